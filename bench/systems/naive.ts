// The N+1 baseline (naive-server.ts): Switchyard's schema and documents, plain
// Prisma resolvers without DataLoader. Same schema and documents as
// Switchyard, so its requests and canonical() are Switchyard's. W8's HTTP
// fields are fetched per book, as plain resolvers do (see naive-server.ts).
import { fileURLToPath } from 'node:url';
import { switchyard } from './switchyard.ts';
import { serverEnv, type SystemSpec } from './types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const naive: SystemSpec = {
  ...switchyard,
  name: 'naive',
  description:
    'Naive Apollo Server 5 + Fastify + Prisma, same schema, one Prisma call (W8: one HTTP call) per parent, no DataLoader (N+1 baseline)',
  launch: (options) => ({
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/systems/naive-server.ts'],
    cwd: root,
    env: serverEnv(options),
  }),
  readyPath: '/ready',
};
