/**
 * The standalone page: lablog's run widgets bundled without JupyterLab (built from
 * `extension/src/page` into `agent/page/` by `npm run build`), served at `/`. The page and its
 * assets hold no data, so they are served without the token; the page itself asks for it
 * (`/?token=…`, as the CLI prints) and sends it on every API call and on `/ws`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build` puts the page bundle. */
export const DEFAULT_PAGE_DIR = fileURLToPath(new URL('../../page/', import.meta.url));

/** Paths of the page and its assets (token-free). */
export function isPagePath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/static/');
}

/** Serves the page bundle at `/` (and its files under `/static/`); says how to build it when it is missing. */
export async function registerPage(app: FastifyInstance, dir = DEFAULT_PAGE_DIR): Promise<void> {
  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send('lablog agent is running; its page is not built. Run `npm run build` (or `npm start`) in the lablog folder, then reload.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    cacheControl: false,
    setHeaders: (res, path) => {
      // hashed bundle names never change content; index.html must be revalidated
      res.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
      res.header('x-content-type-options', 'nosniff');
      res.header('referrer-policy', 'no-referrer');
    },
  });
}
