import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

/** One instance of the real app (src/main.ts, through ts-node with SWC) in its own process, on its own port. */
export interface AppProcess {
  child: ChildProcess;
  url: string;
  /** Everything it printed so far (JSON log lines, one per event). */
  output(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts src/main.ts as `npm start` would (signals, listen, shutdown hooks all real), with the suite's Postgres,
 * Redis and namespace from process.env plus `env`, and waits until /health/ready answers 200.
 */
export async function startAppProcess(env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, [TS_NODE, join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'app-process-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const app: AppProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited early:\n${out.slice(-3000)}`);
    const ready = await fetch(`${app.url}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return app;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`app did not become ready:\n${out.slice(-3000)}`);
}
