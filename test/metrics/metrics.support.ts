import type { TestApp } from 'test/support/test-app';

/**
 * The value of one sample in a Prometheus text exposition: the series named `name` whose labels include `labels`
 * (summed when several match, e.g. every status of one route); undefined when no series matches.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

/** GET /metrics on the main port with the given bearer token; the exposition text. */
export async function scrape(t: TestApp, token: string): Promise<string> {
  const res = await t.http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
  return res.text;
}
