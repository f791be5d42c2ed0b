import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (.mjs) and CommonJS builds without an exports map.
    // Node loads the CommonJS one for everybody; Vite would give our code the
    // .mjs one and @graphql-tools the other, and graphql-js refuses two realms.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Real databases, real servers and a real browser: give them time.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: more workers only contend for them.
    maxWorkers: 2,
  },
});
