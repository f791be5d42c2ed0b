// The example API's upstreams, for `npm start` on a fresh machine: when the
// variables the example's @source declarations read are unset (outside
// production), the small servers in examples/upstreams/ are started on
// loopback and the variables pointed at them, and the log says so. Setting
// INVENTORY_URL or FX_URL to a real service needs no code change.
import type { Logger } from 'pino';

interface UpstreamServer {
  url: string;
  close(): Promise<void>;
}

interface ExampleModules {
  startInventoryServer(options: { host: string; apiKey: string }): Promise<UpstreamServer>;
  startFxServer(options: { host: string }): Promise<UpstreamServer>;
}

// The examples are TypeScript outside src/, so they are not compiled with the
// server: tsx (a dependency) loads them, whether the server runs from src/
// or as compiled JavaScript. Loaded only when used: a deployment with its own
// upstreams never imports them.
async function loadExamples(): Promise<ExampleModules> {
  const { tsImport } = await import('tsx/esm/api');
  const load = (file: string) => tsImport(new URL(file, import.meta.url).href, import.meta.url);
  const [inventory, fx] = await Promise.all([
    load('../examples/upstreams/inventory.ts'),
    load('../examples/upstreams/fx.ts'),
  ]);
  return { startInventoryServer: inventory.startInventoryServer, startFxServer: fx.startFxServer };
}

// The example server's API key: a placeholder a real deployment replaces.
const exampleApiKey = 'example-inventory-key';

export interface ExampleUpstreams {
  close(): Promise<void>;
}

/**
 * Starts the example upstreams that `env` lacks and fills in their variables
 * (in `env`, which the caller then gives to the HTTP sources). Returns
 * undefined when nothing was needed.
 */
export async function startExampleUpstreamsIfUnset(
  names: readonly string[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ExampleUpstreams | undefined> {
  const unset = (name: string) => names.includes(name) && !env[name];
  const wantInventory = unset('INVENTORY_URL');
  const wantFx = unset('FX_URL');
  if (!wantInventory && !wantFx) return undefined;
  const { startInventoryServer, startFxServer } = await loadExamples();
  const servers: UpstreamServer[] = [];
  if (wantInventory) {
    const key = env.INVENTORY_API_KEY || exampleApiKey;
    const inventory = await startInventoryServer({ host: '127.0.0.1', apiKey: key });
    servers.push(inventory);
    env.INVENTORY_URL = inventory.url;
    env.INVENTORY_API_KEY = key;
    logger.info(
      { url: inventory.url },
      'INVENTORY_URL is unset: serving the example inventory API from examples/upstreams',
    );
  }
  if (wantFx) {
    const fx = await startFxServer({ host: '127.0.0.1' });
    servers.push(fx);
    env.FX_URL = fx.url;
    logger.info({ url: fx.url }, 'FX_URL is unset: serving the example exchange-rate feed from examples/upstreams');
  }
  return { close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}
