// The example HTTP upstreams (examples/upstreams/start.ts) that W8 reads,
// started on core 1 beside the load generator; shared by run.ts and ab.ts.
import type { Upstreams } from '../systems/types.ts';
import { repoRoot } from './db.ts';
import { startPinned, waitReady } from './processes.ts';

export const INVENTORY_API_KEY = 'bench-inventory-key';

/** Starts both upstreams on the given ports and waits until both serve. */
export async function startUpstreams(
  logFile: string,
  ports: { inventory: number; fx: number },
): Promise<{ upstreams: Upstreams; pid: number }> {
  const child = startPinned(
    1,
    {
      command: process.execPath,
      args: ['--import', 'tsx', 'examples/upstreams/start.ts'],
      cwd: repoRoot,
      env: { INVENTORY_PORT: String(ports.inventory), FX_PORT: String(ports.fx), INVENTORY_API_KEY },
    },
    logFile,
  );
  const upstreams: Upstreams = {
    inventoryUrl: `http://127.0.0.1:${ports.inventory}`,
    inventoryApiKey: INVENTORY_API_KEY,
    fxUrl: `http://127.0.0.1:${ports.fx}`,
  };
  try {
    await waitReady(child, `${upstreams.fxUrl}/eurofxref-daily.xml`, 30_000);
    await waitReady(child, `${upstreams.inventoryUrl}/stock/9780000000001`, 30_000, { 'x-api-key': INVENTORY_API_KEY });
  } catch (error) {
    throw new Error(`the example upstreams did not start (log: ${logFile}): ${(error as Error).message}`);
  }
  return { upstreams, pid: child.pid! };
}
