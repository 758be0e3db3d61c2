import { createHash } from 'node:crypto';

import { LocalEmbeddingProvider } from 'src/rag/embeddings/local-embedding.provider';
import { contentTerms, stem, tokenize } from 'src/rag/embeddings/text-features';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i], 0);

describe(LocalEmbeddingProvider.name, () => {
  const sut = new LocalEmbeddingProvider();

  it('returns the same 768-dimension vector for the same text, across instances', async () => {
    const [first] = await sut.embed(['Missed calls turn into booked jobs with instant text-back.']);
    const [second] = await new LocalEmbeddingProvider().embed([
      'Missed calls turn into booked jobs with instant text-back.',
    ]);

    expect(first).toHaveLength(768);
    expect(Array.from(second)).toEqual(Array.from(first));
    expect(sut.modelId).toBe('local-hash-v2-768');
  });

  it('embeds exactly as the vectors stored under this model id were embedded', () => {
    // A change to the features, weights or hashing must bump modelId so stored vectors are re-embedded; this digest
    // of a few texts' vectors (punctuation, digits, accents, repeats, stop words, empty) catches any such change.
    const texts = [
      'Missed calls turn into booked jobs with instant text-back.',
      'What does GoAccel do for home service businesses? We answer every call, 24/7, and book the job.',
      'Plumbing plumbing plumber plumbers: the plumbing pros of Springfield since 1998 (call 555-0100).',
      'Don’t lose leads — café owners, naïve über-fast replies, résumé review, 3rd-party CRMs like HubSpot & Salesforce.',
      'help need want more please thanks',
      '',
    ];
    // Tokens that tokenize() never yields still embed as their characters say.
    const tokenLists = [
      ['café', 'naïve', 'x-ray', 'straße', 'plumbing', 'plumbing'],
      ['日本語テキスト', 'abc', 'ab', 'a1b2c3d4'],
    ];
    const digest = createHash('sha256');
    for (const text of texts) digest.update(sut.embedOne(text));
    for (const tokens of tokenLists) digest.update(sut.embedTokens(tokens));

    expect(sut.modelId).toBe('local-hash-v2-768');
    expect(digest.digest('hex')).toBe('ea2120c97fc78e8d10ce65c64b0737e6e78547c85d829499bc5de88a47613c94');
  });

  it('embeds into a vector the caller passes, overwriting what it held, and refuses one of another size', () => {
    const tokens = tokenize('Missed calls turn into booked jobs');
    const into = new Float32Array(768).fill(7);

    expect(sut.embedTokens(tokens, into)).toBe(into);
    expect(Array.from(into)).toEqual(Array.from(sut.embedTokens(tokens)));
    expect(() => sut.embedTokens(tokens, new Float32Array(512))).toThrow('512 values, not 768');
  });

  it('lets other work on the event loop run between texts once a slice is used up, and keeps their order', async () => {
    const texts = ['Drain unblocking', 'Boiler servicing', 'Roof repairs'];
    const sliced = new LocalEmbeddingProvider(0);
    const order: string[] = [];

    const embedded = sliced.embed(texts).then((vectors) => {
      order.push('embedded');
      return vectors;
    });
    setImmediate(() => order.push('other work'));
    const vectors = await embedded;

    expect(order).toEqual(['other work', 'embedded']);
    expect(vectors.map((v) => Array.from(v))).toEqual(texts.map((t) => Array.from(sut.embedOne(t))));
  });

  it('returns unit-length vectors, and a zero vector (not NaN) for text without content words', async () => {
    const [text, empty, stops] = await sut.embed(['Review requests after every job', '', 'the and of to']);

    expect(cosine(text, text)).toBeCloseTo(1, 5);
    expect(Array.from(empty).every((value) => value === 0)).toBe(true);
    expect(Array.from(stops).every((value) => value === 0)).toBe(true);
  });

  it('places a paraphrase closer to its source than to an unrelated passage', async () => {
    const [question, answer, unrelated] = await sut.embed([
      'How do you automate asking customers for reviews?',
      'We systematize your reputation growth by automating review requests at the right time after each job.',
      'GoAccel does not sell your personal information; see the privacy policy for data retention periods.',
    ]);

    expect(cosine(question, answer)).toBeGreaterThan(cosine(question, unrelated) + 0.1);
  });

  it('matches inflected forms through stemming and character n-grams', async () => {
    const [booking, booked, invoices] = await sut.embed(['booking appointments', 'booked appointment', 'invoices']);

    expect(cosine(booking, booked)).toBeGreaterThan(0.6);
    expect(cosine(booking, invoices)).toBeLessThan(0.2);
  });

  it('brings thesaurus synonyms together without an exact word in common', async () => {
    const [question, synonym, unrelated] = await sut.embed([
      'Can I get a quote?',
      'We send every estimate within a day.',
      'We send every newsletter within a day.',
    ]);

    expect(cosine(question, synonym)).toBeGreaterThan(cosine(question, unrelated) + 0.1);
  });

  it('lets a rare content word outweigh generic ones like "help" and "need"', async () => {
    const [question, specific, generic] = await sut.embed([
      'I need help with a locksmith',
      'Locksmith services',
      'We help with everything you need',
    ]);

    expect(cosine(question, specific)).toBeGreaterThan(cosine(question, generic));
  });

  it('is case, accent and curly-quote insensitive', async () => {
    const [plain, styled] = await sut.embed(['dont lose leads cafe', 'Don’t LOSE leads café']);

    expect(cosine(plain, styled)).toBeCloseTo(1, 5);
  });

  it('embeds a batch in input order and an empty batch as nothing', async () => {
    const batch = await sut.embed(['alpha plumbing', 'beta roofing']);
    const [roofing] = await sut.embed(['beta roofing']);

    expect(Array.from(batch[1])).toEqual(Array.from(roofing));
    expect(await sut.embed([])).toEqual([]);
  });
});

describe('text features', () => {
  it.each([
    [['booking', 'booked', 'books'], 'book'],
    [['scheduling', 'scheduled', 'schedule', 'schedules'], 'schedul'],
    [['automation', 'automated', 'automate'], 'automat'],
    [['companies', 'company'], 'compani'],
  ])('stems %p to one form', (words: string[], expected: string) => {
    expect(words.map(stem)).toEqual(words.map(() => expected));
  });

  it('leaves short words and numbers alone', () => {
    expect(['bus', 'gas', 'lead', '2026', 'b2b'].map(stem)).toEqual(['bus', 'gas', 'lead', '2026', 'b2b']);
  });

  it('drops stop words and keeps the stem of contractions', () => {
    expect(contentTerms("We don't sell your data to the brokers")).toEqual(['sell', 'data', 'brok']);
  });
});
