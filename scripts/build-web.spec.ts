import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildWeb } from './build-web';

describe(buildWeb.name, () => {
  const outDir = () => mkdtempSync(join(tmpdir(), 'web-build-'));

  it('writes a hashed bundle, a manifest with its sizes and a stable loader that names the bundle', async () => {
    const dir = outDir();
    const manifest = await buildWeb({
      outDir: dir,
      entries: [{ name: 'sse', source: 'web/widget/sse.ts', loader: true }],
    });
    expect(manifest.sse.file).toMatch(/^sse-[A-Z0-9]{8}\.js$/);
    expect(manifest.sse.gzipBytes).toBeGreaterThan(0);
    expect(manifest.sse.gzipBytes).toBeLessThan(manifest.sse.bytes);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect(readFileSync(join(dir, 'sse.js'), 'utf8')).toContain(JSON.stringify(manifest.sse.file));
    expect(existsSync(join(dir, `${manifest.sse.file}.map`))).toBe(true);
  });

  it('fails when a bundle is over its gzipped budget', async () => {
    await expect(
      buildWeb({ outDir: outDir(), entries: [{ name: 'sse', source: 'web/widget/sse.ts', maxGzipBytes: 50 }] }),
    ).rejects.toThrow(/sse-[A-Z0-9]{8}\.js is 0\.\d KB gzipped, over its budget of 0\.0 KB/);
  });
});
