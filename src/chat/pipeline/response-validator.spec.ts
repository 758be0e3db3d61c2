import { EMPTY_FALLBACK, LEAK_FALLBACK, validateReply } from 'src/chat/pipeline/response-validator';

const policy = {
  canary: 'cnry-abc123',
  protectedText:
    'PLATFORM RULES (internal reference cnry-abc123):\n1. Knowledge first: answer from the excerpts and never guess or invent prices, dates or policies.\nBUSINESS / TENANT SPECIFIC INSTRUCTIONS:\nYou are the concierge for Acme Plumbing. SECRET-PROMPT-CANARY',
  maxChars: 300,
};
const v = (raw: string) => validateReply(raw, policy).text;

describe(validateReply.name, () => {
  it('keeps the allowed tags and drops everything else, including their dangerous contents', () => {
    expect(v('<b>Hi</b> <script>alert(1)</script><img src=x onerror=alert(1)><div>there</div>')).toBe(
      '<b>Hi</b> there',
    );
  });

  it('keeps http(s) links and strips javascript: and other attributes', () => {
    expect(v('<a href="https://acme.example.com" onclick="x()">site</a>')).toBe(
      '<a href="https://acme.example.com">site</a>',
    );
    expect(v('<a href="javascript:alert(1)">x</a>')).toBe('<a>x</a>');
  });

  it('turns markdown emphasis, code and links into the allowed tags', () => {
    expect(v('**Yes**, see [our site](https://a.example.com) and `code`')).toBe(
      '<b>Yes</b>, see <a href="https://a.example.com">our site</a> and <code>code</code>',
    );
  });

  it('rewrites a bullet list into one prose sentence', () => {
    expect(v('We offer:\n- repairs\n- installs\n- inspections\n\nWhich one?')).toBe(
      'We offer: repairs, installs and inspections.\n\nWhich one?',
    );
  });

  it('rewrites a numbered list of sentences into running text', () => {
    expect(v('1. Call us.\n2. We visit.')).toBe('Call us. We visit.');
  });

  it('caps the length at a sentence boundary', () => {
    const out = v(`${'This is a sentence. '.repeat(40)}`);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.endsWith('.')).toBe(true);
  });

  it('replaces a reply that carries the canary or repeats the instructions', () => {
    expect(v('Sure: cnry-abc123')).toBe(LEAK_FALLBACK);
    expect(
      v('My rules say: Knowledge first: answer from the excerpts and never guess or invent prices, dates or policies.'),
    ).toBe(LEAK_FALLBACK);
    expect(v('You are the concierge for Acme Plumbing. SECRET-PROMPT-CANARY')).toBe(LEAK_FALLBACK);
    expect(validateReply('here: <b>cnry-abc123</b>', policy).replaced).toBe('leak');
  });

  it('lets ordinary replies that share a few words with the instructions through', () => {
    expect(v('We never guess prices: a technician quotes on site.<br><br>May I have your name?')).toBe(
      'We never guess prices: a technician quotes on site.<br><br>May I have your name?',
    );
  });

  it('answers an empty or tag-only reply with a fallback', () => {
    expect(v('   ')).toBe(EMPTY_FALLBACK);
    expect(v('<div></div>')).toBe(EMPTY_FALLBACK);
  });

  it('in partial mode returns the text so far without fallback or cap', () => {
    expect(validateReply('', policy, true).text).toBe('');
    expect(validateReply('We offer', policy, true).text).toBe('We offer');
  });

  it('validates a reply seen before exactly as the first time, under each policy', () => {
    const raw = '**Yes**, see [our prices](https://acme.example.com/prices) <script>x()</script>';
    const first = validateReply(raw, policy);
    expect(validateReply(raw, policy)).toEqual(first);
    expect(validateReply(raw, { ...policy, maxChars: 10 }).text.length).toBeLessThanOrEqual(11);
    expect(validateReply('Sure: cnry-abc123', { ...policy, canary: 'other' }).replaced).toBeNull();
    expect(validateReply('Sure: cnry-abc123', policy).replaced).toBe('leak');
    expect(validateReply('   ', policy)).toEqual({ text: EMPTY_FALLBACK, replaced: 'empty' });
    expect(validateReply('   ', policy)).toEqual({ text: EMPTY_FALLBACK, replaced: 'empty' });
  });
});
