// The harness's command line, parsed once into a typed object.
import type { Provider, WorkloadId } from '../systems/types.ts';
import type { Size } from './db.ts';

export interface Options {
  size: Size;
  /** Seconds per measured run. */
  duration: number;
  /** Seconds of warm-up per workload, at 10 connections. */
  warmup: number;
  connections: number[];
  reps: number;
  systems?: string[];
  workloads?: WorkloadId[];
  providers: Provider[];
  force: boolean;
}

const usage = `usage: node --import tsx bench/run.ts [--size small|medium] [--duration s] [--warmup s]
  [--connections 1,10,50] [--reps 3] [--systems a,b] [--workloads W1,W2] [--sqlite] [--sqlite-only] [--force] [--quick]`;

export function parseArgs(argv: string[]): Options {
  const options: Options = {
    size: 'small',
    duration: 3,
    warmup: 1,
    connections: [1, 10, 50],
    reps: 3,
    providers: ['postgres'],
    force: false,
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const number = (name: string, v: string) => {
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number, but got: ${v}\n${usage}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${usage}`);
      return v;
    };
    switch (arg) {
      case '--size': {
        const v = value();
        if (v !== 'small' && v !== 'medium') throw new Error(`--size must be small or medium, but got: ${v}`);
        options.size = v;
        break;
      }
      case '--duration':
        options.duration = number('duration', value());
        break;
      case '--warmup':
        options.warmup = number('warmup', value());
        break;
      case '--connections':
        options.connections = list(value()).map((v) => number('connections', v));
        break;
      case '--reps':
        options.reps = Math.round(number('reps', value()));
        break;
      case '--systems':
        options.systems = list(value());
        break;
      case '--workloads': {
        const ids = list(value()).map((v) => v.toUpperCase());
        const bad = ids.filter((id) => !/^W[1-8]$/.test(id));
        if (bad.length) throw new Error(`--workloads takes W1…W8, but got: ${bad.join(', ')}`);
        options.workloads = ids as WorkloadId[];
        break;
      }
      case '--sqlite':
        options.providers = ['postgres', 'sqlite'];
        break;
      case '--sqlite-only':
        options.providers = ['sqlite'];
        break;
      case '--force':
        options.force = true;
        break;
      case '--quick':
        Object.assign(options, { reps: 1, duration: 1, warmup: 0.5 });
        break;
      case '--help':
      case '-h':
        console.log(usage);
        process.exit(0);
      default:
        throw new Error(`unknown flag ${arg}\n${usage}`);
    }
  }
  if (options.providers.includes('sqlite') && options.size !== 'small')
    throw new Error('SQLite is generated at --size small only');
  return options;
}

/** Refuses to start when a port is taken: binds each one, then lets go. */
export async function assertPortsFree(ports: number[]): Promise<void> {
  const { createServer } = await import('node:net');
  const busy: number[] = [];
  for (const port of ports) {
    await new Promise<void>((resolve) => {
      const server = createServer();
      server.once('error', () => (busy.push(port), resolve()));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
  if (busy.length)
    throw new Error(
      `ports ${busy.join(', ')} are in use on 127.0.0.1; the harness needs ${ports[0]}–${ports.at(-1)} free`,
    );
}
