import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { businessFactory } from 'test/factories/business.factory';
import { bootTestApp, TestApp } from 'test/support/test-app';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');
const importBusiness = (file: string, env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, [TS_NODE, join(ROOT, 'scripts', 'import-business.ts'), file], { cwd: ROOT, env }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

describe('npm run business:import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootTestApp();
  });
  afterAll(async () => t.close());

  it('imports the legacy GoAccel tenant file with its CTA tree', async () => {
    const result = await importBusiness(join(ROOT, '..', 'shared', 'datasets', 'goaccel-business.json'));
    expect(result.out).toMatch(/(Created|Updated) business "goaccel-website"/);
    expect(result.code).toBe(0);
    const res = await t.http.get('/admin/business/goaccel-website').set(t.admin);
    expect(res.status).toBe(200);
    expect(res.body.config).toMatchObject({
      businessName: 'GoAccel',
      widgetPosition: 'center',
      contactEmail: 'info@goaccel.com',
    });
    expect(res.body.config.ctaTree.main_menu.children).toEqual(['sales_team', 'support_team', 'general_question']);
  }, 60_000);

  it('refuses an invalid file with a message naming the field and exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ business_id: 'Not Valid', business_name: 'X' }));
    const result = await importBusiness(file);
    expect(result.code).toBe(2);
    expect(result.out).toContain('businessId');
  }, 60_000);

  it('ends an unreachable database with one line naming the address, not a stack trace', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const file = join(mkdtempSync(join(tmpdir(), 'import-')), 'business.json');
    writeFileSync(file, JSON.stringify(businessFactory.build()));
    const result = await importBusiness(file, {
      ...process.env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test_unreachable`,
    });
    expect(result.code).toBe(1);
    expect(result.out.trim().split('\n').pop()).toBe(
      `Import failed: nothing accepts connections on 127.0.0.1:${closed}`,
    );
    expect(result.out).not.toMatch(/\n\s+at |undefined/);
  }, 60_000);
});
