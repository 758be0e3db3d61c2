import { join } from 'node:path';

import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';

/** esbuild's `[name]-[hash]` file names (scripts/build-web.ts): the content never changes under such a name. */
const HASHED = /-[A-Z0-9]{8}\.(js|css|map)$/;
const STATIC_FILE = /\.[A-Za-z0-9]+$/;

/** web-build/ beside src/ (ts-node, tests) or beside dist/src/ (copied there by `nest build`). */
export const WEB_BUILD_DIR = join(__dirname, '..', '..', '..', 'web-build');
const PUBLIC_DIR = join(__dirname, '..', '..', '..', 'public');

/**
 * The platform's static files: the built browser bundles first, then the hand-written pages in public/. Hashed
 * bundles are cached for a year; everything else (the stable /widget.js loader, pages) for five minutes, so a
 * deploy reaches embedding sites promptly. API paths never name a file, so only '/' and file-like paths cost a
 * file-system lookup.
 */
export function staticAssets() {
  const built = serveStatic(WEB_BUILD_DIR, {
    index: false,
    maxAge: '5m',
    setHeaders: (res: Response, path: string) => {
      if (HASHED.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  const pages = serveStatic(PUBLIC_DIR, { index: 'index.html', maxAge: '5m' });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/' && !STATIC_FILE.test(req.path)) return next();
    built(req, res, () => pages(req, res, next));
  };
}
