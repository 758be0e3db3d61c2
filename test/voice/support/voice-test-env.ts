// Imported FIRST by voice e2e files: the app's config is validated once when its module is first loaded, so
// per-file settings (public URL, the fake Gemini Live endpoint) must be in process.env before that import.
import { execFileSync } from 'node:child_process';

import { PUBLIC_BASE_URL } from 'test/voice/support/twilio-signing';

/** A free port found synchronously, so the fake Live server's URL is known before the app module loads. */
function freePort(): number {
  const script =
    "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

export const FAKE_LIVE_PORT = freePort();
process.env.PUBLIC_BASE_URL = PUBLIC_BASE_URL;
process.env.GEMINI_API_KEY = 'fake-live-key';
process.env.GEMINI_BASE_URL = `http://127.0.0.1:${FAKE_LIVE_PORT}`;
