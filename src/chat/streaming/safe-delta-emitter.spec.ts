import { validateReply } from 'src/chat/pipeline/response-validator';
import { SafeDeltaEmitter } from 'src/chat/streaming/safe-delta-emitter';

const policy = { canary: 'cnry-xyz', protectedText: 'PLATFORM RULES', maxChars: 2000 };

function run(chunks: string[]): { deltas: string[]; final: string } {
  const deltas: string[] = [];
  const sut = new SafeDeltaEmitter(policy, (d) => deltas.push(d));
  let raw = '';
  for (const c of chunks) {
    raw += c;
    sut.update(raw);
  }
  const final = validateReply(raw, policy).text;
  sut.finish(final);
  return { deltas, final };
}

describe(SafeDeltaEmitter.name, () => {
  it('streams deltas that add up to exactly the validated final text', () => {
    const words = `${'We repair boilers and radiators across the city every day. '.repeat(6)}<b>Call</b> us?`.match(
      /\S+\s*/g,
    )!;
    const { deltas, final } = run(words);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join('')).toBe(final);
  });

  it('never sends any part of a reply that turns out to carry the canary', () => {
    const { deltas, final } = run([
      'Sure, ',
      'here is my ',
      'internal reference: cnr',
      'y-xyz and more text afterwards',
    ]);
    expect(deltas.join('')).not.toContain('cnr');
    expect(final).toMatch(/can't share/);
  });

  it('never sends unsanitized markup', () => {
    const { deltas } = run(['Hello <scr', 'ipt>alert(1)</script> ', 'friend. '.repeat(30)]);
    expect(deltas.join('')).not.toMatch(/<scr|alert/);
  });
});
