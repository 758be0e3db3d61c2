import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostPage {
  businessId: string;
  /** `data-open="true"` on the tag. */
  open?: boolean;
  metadata?: string;
  /** The page's own aggressive reset: `* { all: unset !important }`, which must leave the widget intact. */
  aggressiveCss?: boolean;
}

/**
 * A business's website on an origin of its own: a plain page that embeds the widget with the documented one-line
 * tag, served with the strict Content-Security-Policy the README tells hosts to allow (script-src and connect-src
 * the platform), so the suite proves the widget needs nothing more. Also serves a logo and a booking page for CTAs.
 */
export class HostSite {
  private server: Server | null = null;
  port = 0;

  constructor(private readonly platform: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://host');
      if (url.pathname === '/logo.svg') {
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
        res.end(LOGO);
        return;
      }
      if (url.pathname === '/site.css') {
        res.writeHead(200, { 'Content-Type': 'text/css' });
        res.end(SITE_CSS);
        return;
      }
      if (url.pathname === '/book') {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<!doctype html><title>Booking</title><h1>Book a visit</h1>');
        return;
      }
      const page: HostPage = {
        businessId: url.searchParams.get('business') ?? '',
        open: url.searchParams.get('open') === 'true',
        metadata: url.searchParams.get('metadata') ?? undefined,
        aggressiveCss: url.searchParams.get('aggressive') === '1',
      };
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        // The aggressive page needs its inline <style>; every other page runs under the documented strict policy.
        ...(page.aggressiveCss
          ? {}
          : {
              'Content-Security-Policy': `default-src 'self'; script-src 'self' ${this.platform}; connect-src 'self' ${this.platform}; img-src 'self' ${this.platform} https:; style-src 'self'`,
            }),
      });
      res.end(this.html(page));
    });
    // Every interface, so the same site answers as http://localhost:PORT and as http://127.0.0.1:PORT (two origins).
    await new Promise<void>((resolve) => this.server!.listen(0, resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** `localhost` (the origin a tenant allows) or `127.0.0.1` (another origin on the same site). */
  url(host: 'localhost' | '127.0.0.1', page: HostPage): string {
    const q = new URLSearchParams({ business: page.businessId });
    if (page.open) q.set('open', 'true');
    if (page.metadata) q.set('metadata', page.metadata);
    if (page.aggressiveCss) q.set('aggressive', '1');
    return `http://${host}:${this.port}/?${q}`;
  }

  origin(host: 'localhost' | '127.0.0.1'): string {
    return `http://${host}:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private html(page: HostPage): string {
    const attrs = [
      `src="${this.platform}/widget.js"`,
      `data-business-id="${escapeAttr(page.businessId)}"`,
      page.open ? 'data-open="true"' : '',
      page.metadata ? `data-metadata="${escapeAttr(page.metadata)}"` : '',
      'async',
    ].filter(Boolean);
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Plumbing — same-day repairs</title>
${page.aggressiveCss ? '<style>* { all: unset !important; } body { display: block !important; font-size: 40px !important; }</style>' : '<link rel="stylesheet" href="/site.css">'}
</head>
<body>
<header><strong>Acme Plumbing</strong><nav><a href="/book">Book a visit</a></nav></header>
<main>
  <h1>Same-day plumbing repairs</h1>
  <p>Leaks, drains and water heaters, fixed by licensed plumbers across the city, seven days a week.</p>
  <p>Ask our assistant about prices, opening hours or warranties.</p>
</main>
<script ${attrs.join(' ')}></script>
</body>
</html>`;
  }
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

const SITE_CSS = `body { margin: 0; font: 17px/1.6 Georgia, serif; color: #222; background: #fbfaf7; }
header { display: flex; justify-content: space-between; padding: 18px 32px; background: #1e3a5f; color: #fff; }
header a { color: #fff; }
main { max-width: 640px; padding: 24px 32px; }
h1 { font-size: 34px; line-height: 1.2; }`;

const LOGO =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#336699"/><path d="M16 6c-4 6-7 9.5-7 13a7 7 0 0 0 14 0c0-3.5-3-7-7-13z" fill="#fff"/></svg>';
