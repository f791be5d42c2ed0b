// applyMigrations on a thread of its own, for the gateway's start. The schema
// engine is a wasm module, held by its glue module for as long as the isolate
// that loaded it lives: a server that migrated on start kept about 5 MiB more
// RSS for its whole life (median of 6 starts each, after a full GC: 124.5
// against 118.9 MiB, the same as a start without migrations). A worker's
// isolate, memory and all, goes away when the worker ends.
import { Worker } from 'node:worker_threads';
import type { ApplyMigrationsOptions, ApplyMigrationsResult } from './applyMigrations.ts';
import { EngineError } from './EngineError.ts';
import type { WorkerAnswer } from './applyMigrationsWorker.ts';

// The worker's file as this module runs: .js from dist/, .ts from src/ (dev,
// tests). Node 20 hands neither tsx's loader hooks nor an `--import tsx` in
// execArgv on to a worker's entry, so a .ts worker starts from a script that
// registers tsx (a dev dependency, present wherever src/ runs) and then
// imports the file.
const fromSource = import.meta.url.endsWith('.ts');
const workerFile = new URL(`./applyMigrationsWorker${fromSource ? '.ts' : '.js'}`, import.meta.url);

function startWorker(workerData: ApplyMigrationsOptions): Worker {
  if (!fromSource) return new Worker(workerFile, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(workerFile.href)}); })`;
  return new Worker(script, { eval: true, workerData });
}

/** applyMigrations, run in a worker thread that has ended by the time this settles. */
export async function applyMigrationsInWorker(options: ApplyMigrationsOptions): Promise<ApplyMigrationsResult> {
  const worker = startWorker(options);
  const answer = await new Promise<WorkerAnswer>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the migration thread exited (code ${code}) without an answer`)));
  });
  // Ended here rather than left to drain: a handle the engine left open must not keep it (and its memory) alive.
  await worker.terminate();
  if ('error' in answer) {
    const { message, engine, engineCode } = answer.error;
    throw engine ? new EngineError(engineCode, message) : new Error(message);
  }
  return answer;
}
