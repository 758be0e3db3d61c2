import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { NextFunction, Request, Response } from 'express';

import { WEB_BUILD_DIR } from 'src/common/http/web-build';

/** The built console's files, as scripts/build-web.ts names them in web-build/manifest.json. */
const CONSOLE_SCRIPT = 'console';
const CONSOLE_STYLES = 'console-styles';

/**
 * The admin console at /admin: a page naming the hashed bundle and stylesheet of the current build, so they are
 * cached for good while the page itself is revalidated on every visit. `/admin.html`, the old address, redirects.
 * No inline script or style, as the platform's CSP requires. The admin key never appears in it or in any URL.
 */
export function adminConsole(webBuildDir = WEB_BUILD_DIR) {
  let page: { html: string; etag: string } | undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/admin.html') return res.redirect(301, '/admin');
    if (req.path !== '/admin' && req.path !== '/admin/') return next();
    page ??= consolePage(webBuildDir);
    if (!page) {
      // A deployment without the console's build is a packaging mistake: say so, in the API's error format.
      res.status(503).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The admin console is not built: run npm run build:web',
      });
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    // The app generates no ETags (bootstrap), so the page brings its own: a revisit is a 304 until the next build.
    res.setHeader('ETag', page.etag);
    res.type('html').send(page.html);
  };
}

function consolePage(webBuildDir: string): { html: string; etag: string } | undefined {
  const html = consoleHtml(webBuildDir);
  return html === undefined ? undefined : { html, etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
}

function consoleHtml(webBuildDir: string): string | undefined {
  let manifest: Record<string, { file: string } | undefined>;
  try {
    manifest = JSON.parse(readFileSync(join(webBuildDir, 'manifest.json'), 'utf8')) as typeof manifest;
  } catch {
    return undefined;
  }
  const script = manifest[CONSOLE_SCRIPT]?.file;
  const styles = manifest[CONSOLE_STYLES]?.file;
  if (!script || !styles) return undefined;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <title>Concierge admin console</title>
    <link rel="stylesheet" href="/${styles}" />
    <script src="/${script}" defer></script>
  </head>
  <body>
    <div id="app"><p class="boot">Loading the admin console…</p></div>
  </body>
</html>
`;
}
