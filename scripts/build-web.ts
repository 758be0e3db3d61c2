import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

import { build } from 'esbuild';

/**
 * The browser bundles: TypeScript under web/, bundled by esbuild into web-build/ (served by the app, see
 * src/common/http/web-build.ts, and copied into dist/ by `nest build`). Adding a bundle is one entry here.
 * `loader` entries also get a stable, unhashed file (`/<name>.js`) that pages embed and that loads the hashed bundle.
 */
export interface WebEntry {
  name: string;
  source: string;
  /** Fails the build above this many gzipped bytes. */
  maxGzipBytes?: number;
  /** Also write a tiny stable `<name>.js` that loads the hashed bundle (for third-party pages' one-line embed). */
  loader?: boolean;
}

export const WEB_ENTRIES: WebEntry[] = [
  { name: 'widget', source: 'web/widget/main.ts', maxGzipBytes: 30 * 1024, loader: true },
  // The admin console at /admin (src/common/http/admin-console.ts names both files in its page).
  // uPlot (about 21 KB of it, the analytics charts) is most of what this budget grew by; one hashed file, cached.
  { name: 'console', source: 'web/console/main.ts', maxGzipBytes: 64 * 1024 },
  { name: 'console-styles', source: 'web/console/console.css', maxGzipBytes: 10 * 1024 },
];

const ROOT = join(__dirname, '..');
export const WEB_BUILD_DIR = join(ROOT, 'web-build');

export interface BuiltBundle {
  name: string;
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** What the build wrote: each entry's hashed file name and sizes (also written as web-build/manifest.json). */
export type WebManifest = Record<string, BuiltBundle>;

export async function buildWeb(
  options: { outDir?: string; entries?: WebEntry[]; minify?: boolean } = {},
): Promise<WebManifest> {
  const outDir = options.outDir ?? WEB_BUILD_DIR;
  const entries = options.entries ?? WEB_ENTRIES;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(entries.map((e) => [e.name, e.source])),
    outdir: outDir,
    // The hash names the content, so these files may be cached for a year (see web-build.ts).
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'iife',
    // Browsers of the last few years (constructed stylesheets, TextDecoderStream); no polyfills shipped.
    target: 'es2020',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const manifest: WebManifest = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint || path.endsWith('.map')) continue;
    const entry = entries.find((e) => e.source === output.entryPoint);
    if (!entry) continue;
    const file = basename(path);
    const code = readFileSync(join(outDir, file));
    manifest[entry.name] = {
      name: entry.name,
      file,
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
    };
    if (entry.loader) writeFileSync(join(outDir, `${entry.name}.js`), loaderSource(file));
  }
  for (const entry of entries) {
    const built = manifest[entry.name];
    if (!built) throw new Error(`web build: ${entry.source} produced no bundle`);
    if (entry.maxGzipBytes !== undefined && built.gzipBytes > entry.maxGzipBytes)
      throw new Error(
        `web build: ${built.file} is ${kb(built.gzipBytes)} gzipped, over its budget of ${kb(entry.maxGzipBytes)}`,
      );
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * The stable embed URL: cached briefly, so a deploy reaches every site within minutes, while the bundle it names
 * is cached for good. It hands its own `data-*` attributes to the bundle's script element, which reads them from
 * `document.currentScript`; a page embedding two tenants gets two independent widgets.
 */
function loaderSource(file: string): string {
  return `(function(){var c=document.currentScript;if(!c)return;var s=document.createElement("script");s.src=new URL(${JSON.stringify(file)},c.src).href;s.async=true;for(var i=0;i<c.attributes.length;i++){var a=c.attributes[i];if(a.name.indexOf("data-")===0)s.setAttribute(a.name,a.value)}c.parentNode.insertBefore(s,c.nextSibling)})();\n`;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  const started = Date.now();
  const manifest = await buildWeb();
  for (const b of Object.values(manifest))
    console.log(`${relative(ROOT, join(WEB_BUILD_DIR, b.file))}  ${kb(b.bytes)}  (${kb(b.gzipBytes)} gzipped)`);
  console.log(`web build done in ${Date.now() - started} ms`);
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
