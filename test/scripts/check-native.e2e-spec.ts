import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'check-native.cjs');

/** A copy of the check beside an hnswlib-node whose addon failed to build, on a PATH with nothing but node. */
function bareMachine(): {
  dir: string;
  run: (env?: NodeJS.ProcessEnv) => { status: number | null; stdout: string; stderr: string };
} {
  const dir = mkdtempSync(join(tmpdir(), 'check-native-'));
  copyFileSync(SCRIPT, join(dir, 'check-native.cjs'));
  mkdirSync(join(dir, 'bin'));
  symlinkSync(process.execPath, join(dir, 'bin', 'node'));
  mkdirSync(join(dir, 'node_modules', 'hnswlib-node'), { recursive: true });
  writeFileSync(
    join(dir, 'node_modules', 'hnswlib-node', 'index.js'),
    "throw new Error('Could not locate the bindings file.');\n",
  );
  const run = (env: NodeJS.ProcessEnv = {}) =>
    spawnSync(join(dir, 'bin', 'node'), [join(dir, 'check-native.cjs')], {
      env: { HOME: dir, PATH: join(dir, 'bin'), ...env },
      encoding: 'utf8',
    });
  return { dir, run };
}

describe('node scripts/check-native.cjs', () => {
  it('is silent and succeeds when the addon loads', () => {
    const result = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('ends with one line naming every build prerequisite the machine lacks', () => {
    const { dir, run } = bareMachine();
    try {
      const result = run();
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        "hnswlib-node's native addon is not built; its build needs what is missing here: python3, make, a C++ compiler (g++), " +
          `Node ${process.versions.node} headers (node-gyp downloads them from nodejs.org unless npm's nodedir points at local ones); ` +
          'install them, then run: npm rebuild hnswlib-node',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts the headers under npm's nodedir as present", () => {
    const { dir, run } = bareMachine();
    try {
      mkdirSync(join(dir, 'headers', 'include', 'node'), { recursive: true });
      writeFileSync(join(dir, 'headers', 'include', 'node', 'node.h'), '');
      const result = run({ npm_config_nodedir: join(dir, 'headers') });
      expect(result.stderr).not.toContain('headers');
      expect(result.stderr).toContain('python3, make, a C++ compiler (g++); install them');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
