import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

// Builds the offline GraphiQL page: `vite build --config ide/vite.config.ts`.
// Output: dist/ide/index.html (served by Apollo's landing-page hook at the
// GraphQL path) and dist/ide/assets/* (content-hashed, served at /ide/assets/).
const ideRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: ideRoot,
  base: '/ide/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/ide', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // Monaco and GraphiQL are large by nature; the page is a developer tool.
    chunkSizeWarningLimit: 5000,
    rolldownOptions: {
      // React libraries mark modules "use client"; in a plain SPA bundle the
      // directive means nothing, and 120 warnings would hide real ones.
      checks: { moduleLevelDirective: false },
    },
  },
  worker: { format: 'es' },
});
