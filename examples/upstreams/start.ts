// Starts both example upstreams. Imported, on OS-chosen ports (tests, `npm
// start`); run directly (`node --import tsx examples/upstreams/start.ts`), on
// INVENTORY_PORT / FX_PORT (4101 / 4102), printing the URLs to point the
// gateway at.
import { pathToFileURL } from 'node:url';
import { startFxServer } from './fx.ts';
import { startInventoryServer } from './inventory.ts';
import type { UpstreamServer } from './types.ts';

export interface ExampleUpstreams {
  inventory: UpstreamServer;
  fx: UpstreamServer;
  /** Closes both servers. */
  close(): Promise<void>;
}

export async function startExampleUpstreams(options: { host?: string } = {}): Promise<ExampleUpstreams> {
  return startBoth({ host: options.host, inventoryPort: 0, fxPort: 0 });
}

async function startBoth(options: {
  host?: string;
  inventoryPort: number;
  fxPort: number;
  inventoryApiKey?: string;
}): Promise<ExampleUpstreams> {
  const { host } = options;
  const started = await Promise.allSettled([
    startInventoryServer({ host, port: options.inventoryPort, apiKey: options.inventoryApiKey }),
    startFxServer({ host, port: options.fxPort }),
  ]);
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((server) => server.close()));
    throw failed.reason;
  }
  const [inventory, fx] = servers as [UpstreamServer, UpstreamServer];
  return {
    inventory,
    fx,
    close: async () => {
      await Promise.all([inventory.close(), fx.close()]);
    },
  };
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a port number (0-65535), but got: ${raw}`);
  }
  return port;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const upstreams = await startBoth({
    inventoryPort: portFromEnv('INVENTORY_PORT', 4101),
    fxPort: portFromEnv('FX_PORT', 4102),
    inventoryApiKey: process.env.INVENTORY_API_KEY || undefined,
  });
  console.log(`INVENTORY_URL=${upstreams.inventory.url}`);
  console.log(`FX_URL=${upstreams.fx.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void upstreams.close().then(() => process.exit(0));
    });
  }
}
