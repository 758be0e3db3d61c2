import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NextFunction, Request, Response } from 'express';

import { adminConsole } from 'src/common/http/admin-console';

describe(adminConsole.name, () => {
  const call = (dir: string, path: string, method = 'GET') => {
    const res = {
      redirect: jest.fn(),
      setHeader: jest.fn(),
      status: jest.fn(),
      json: jest.fn(),
      type: jest.fn(),
      send: jest.fn(),
    };
    res.status.mockReturnValue(res);
    res.type.mockReturnValue(res);
    const next = jest.fn();
    adminConsole(dir)({ method, path } as Request, res as unknown as Response, next as NextFunction);
    return { res, next };
  };
  const built = () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-build-'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        console: { file: 'console-AB12CD34.js' },
        'console-styles': { file: 'console-styles-EF56GH78.css' },
      }),
    );
    return dir;
  };

  it('serves a page naming the hashed bundle and stylesheet, revalidated on every visit against its own ETag', () => {
    const { res } = call(built(), '/admin');
    expect(res.setHeader).toHaveBeenCalledWith('Cache-Control', 'no-cache');
    expect(res.setHeader).toHaveBeenCalledWith('ETag', expect.stringMatching(/^"[\w-]{27}"$/));
    const html = res.send.mock.calls[0][0] as string;
    expect(html).toContain('<script src="/console-AB12CD34.js" defer></script>');
    expect(html).toContain('<link rel="stylesheet" href="/console-styles-EF56GH78.css" />');
    expect(html).not.toMatch(/<script>|<style|style=/);
  });

  it('redirects the old /admin.html address and leaves the admin API alone', () => {
    const dir = built();
    expect(call(dir, '/admin.html').res.redirect).toHaveBeenCalledWith(301, '/admin');
    expect(call(dir, '/admin/business').next).toHaveBeenCalled();
    expect(call(dir, '/admin', 'POST').next).toHaveBeenCalled();
  });

  it('answers 503 in the API error format when the console was not built', () => {
    const { res } = call(mkdtempSync(join(tmpdir(), 'console-none-')), '/admin');
    expect(res.status).toHaveBeenCalledWith(503);
    expect(res.json).toHaveBeenCalledWith(expect.objectContaining({ statusCode: 503 }));
  });
});
