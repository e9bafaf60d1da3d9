import { readFileSync } from 'node:fs';
import Router from '@koa/router';

const PUBLIC = new URL('../public/', import.meta.url);

/** The built-in chat page's files: fixed names only, read once, no directory serving. */
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/markdown.js': ['markdown.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
} as const;

const POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** GET /: a small chat page for trying the product in a browser (SPEC §8). */
export function pageRouter() {
  const router = new Router();
  for (const [path, [file, type]] of Object.entries(FILES)) {
    const content = readFileSync(new URL(file, PUBLIC));
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.set('Content-Security-Policy', POLICY);
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = content;
    });
  }
  return router;
}
