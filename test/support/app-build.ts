import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface NestCliConfig {
  compilerOptions: { assets: Array<{ include: string; outDir: string }> } & Record<string, unknown>;
}

/**
 * Compiles the app as `npm start` runs it (`nest build`: path rewriting, assets, the compiled workers) into a folder
 * of the calling suite's own, and returns the entry point to spawn. Suites in parallel Jest workers used to share
 * dist/, which `nest build` empties first: one suite's build pulled files from under the app another was running
 * (`Cannot find module './admin-audit.controller'`). The folder sits in node_modules/.cache so the build resolves the
 * project's node_modules and no linter or formatter reads it.
 */
export function buildApp(name: string): string {
  const folder = join(ROOT, 'node_modules', '.cache', 'concierge-test-builds', name);
  const outDir = join(folder, 'dist');
  mkdirSync(folder, { recursive: true });
  const tsconfig = join(folder, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: relative(folder, join(ROOT, 'tsconfig.build.json')), compilerOptions: { outDir } }),
  );
  // The project's own nest-cli.json, pointed at this folder: the same entry and assets, whatever they become.
  const project = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as NestCliConfig;
  const nestConfig = join(folder, 'nest-cli.json');
  writeFileSync(
    nestConfig,
    JSON.stringify({
      ...project,
      compilerOptions: {
        ...project.compilerOptions,
        tsConfigPath: relative(ROOT, tsconfig),
        assets: project.compilerOptions.assets.map((asset) => ({
          ...asset,
          outDir: relative(ROOT, join(outDir, relative('dist', asset.outDir))),
        })),
      },
    }),
  );
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', '--config', relative(ROOT, nestConfig)],
    { cwd: ROOT, stdio: 'pipe' },
  );
  return join(outDir, 'src', 'main.js');
}
