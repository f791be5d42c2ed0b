// The offline browser IDE: GraphiQL built by `npm run build:ide` into dist/ide.
//
// Apollo's landing-page hook serves dist/ide/index.html at the GraphQL path to
// browsers (GET with `Accept: text/html`); it cannot serve files, so Fastify
// serves the content-hashed assets under /ide/assets/. The page posts its
// queries back to the path it was loaded from, so it follows any GraphQL path.
//
// The IDE needs introspection (docs, autocomplete): the caller enables both or
// neither from one setting, and installs `ApolloServerPluginLandingPageDisabled`
// when the IDE is off, or Apollo falls back to its own CDN-loaded landing page.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ApolloServerPlugin } from '@apollo/server';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where the built assets are served; `base` in ide/vite.config.ts must agree. */
export const IDE_ASSETS_PREFIX = '/ide/assets/';

const DEFAULT_IDE_DIR = fileURLToPath(new URL('../../dist/ide/', import.meta.url));

/**
 * What GraphiQL needs and nothing more, found by removing each source and
 * watching for violations in Chromium: scripts and Monaco's workers are files
 * from this origin (Vite emits workers as files, so no `blob:`); Monaco and
 * React set inline styles; the CSS embeds fonts and icons as `data:` URLs;
 * queries go to this origin only. tests/e2e/ide.test.ts fails on a violation.
 */
export const IDE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface IdeDirOption {
  /** The Vite output folder; defaults to <repo>/dist/ide. */
  dir?: string;
}

// Fails startup with the command that fixes it, instead of a bare ENOENT.
async function assertBuilt(dir: string, file: string): Promise<string> {
  const path = join(dir, file);
  try {
    await access(path);
  } catch {
    throw new Error(
      `The browser IDE is not built: ${path} does not exist. Run \`npm run build:ide\`, or turn the IDE off.`,
    );
  }
  return path;
}

/**
 * Serves dist/ide/assets at /ide/assets/ with a one-year immutable cache (every
 * file name carries a content hash), and adds security headers to every HTML
 * response that does not set its own Content-Security-Policy; in Switchyard the
 * only HTML is the IDE page that Apollo's landing-page hook returns.
 *
 * Call it on the root instance (not inside `app.register`), so the hook also
 * covers the GraphQL route.
 */
export async function registerIdeAssets(app: FastifyInstance, options: IdeDirOption = {}): Promise<void> {
  const dir = options.dir ?? DEFAULT_IDE_DIR;
  const root = await assertBuilt(dir, 'assets');

  await app.register(fastifyStatic, {
    root,
    prefix: IDE_ASSETS_PREFIX,
    decorateReply: false,
    index: false,
    list: false,
    immutable: true,
    maxAge: '365d',
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    const contentType = reply.getHeader('content-type');
    if (typeof contentType !== 'string' || !contentType.startsWith('text/html')) return payload;
    if (reply.hasHeader('content-security-policy')) return payload;
    void reply.headers({
      // Apollo sends a bare `text/html`; the page is UTF-8.
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': IDE_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      // The page names hashed assets that change with every build.
      'cache-control': 'no-cache',
    });
    return payload;
  });
}

export interface OfflineIdeOptions extends IdeDirOption {
  /** Where the GraphQL route is mounted, e.g. `/graphql`. */
  graphqlPath: string;
}

/**
 * Answers browsers at the GraphQL path with the built GraphiQL page, read once at
 * startup. Replaces Apollo's default landing page, which loads from a CDN.
 * Needs `registerIdeAssets(app)` for the page's scripts and styles.
 */
export function ApolloServerPluginOfflineIde(options: OfflineIdeOptions): ApolloServerPlugin {
  const { graphqlPath } = options;
  if (!graphqlPath.startsWith('/') || graphqlPath.startsWith(IDE_ASSETS_PREFIX)) {
    throw new Error(
      `ApolloServerPluginOfflineIde: graphqlPath must be an absolute path outside ${IDE_ASSETS_PREFIX}, but got: ${JSON.stringify(graphqlPath)}`,
    );
  }
  const dir = options.dir ?? DEFAULT_IDE_DIR;
  return {
    async serverWillStart() {
      const html = await readFile(await assertBuilt(dir, 'index.html'), 'utf8');
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}
