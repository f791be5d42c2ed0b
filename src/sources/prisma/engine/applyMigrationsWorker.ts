// The thread that applyMigrationsInWorker starts: applies the migrations and
// posts back the result, or the error as plain data (an EngineError does not
// survive the structured clone as itself).
import { parentPort, workerData } from 'node:worker_threads';
import { applyMigrations, type ApplyMigrationsOptions } from './applyMigrations.ts';
import { EngineError } from './EngineError.ts';

export type WorkerAnswer = { applied: string[] } | { error: { message: string; engineCode?: string; engine: boolean } };

let answer: WorkerAnswer;
try {
  answer = await applyMigrations(workerData as ApplyMigrationsOptions);
} catch (error) {
  answer = {
    error: {
      message: error instanceof Error ? error.message : String(error),
      engine: error instanceof EngineError,
      engineCode: error instanceof EngineError ? error.code : undefined,
    },
  };
}
parentPort!.postMessage(answer);
