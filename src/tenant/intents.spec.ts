import { isValidTimezone, validateIntents } from 'src/tenant/intents';

describe(validateIntents.name, () => {
  it('accepts intents with valid names and examples, including a built-in name that adds examples', () => {
    expect(
      validateIntents([
        { name: 'industries', description: 'Trades served', examples: ['Do you work with plumbers?'] },
        { name: 'pricing', examples: ['what is the damage'] },
      ]),
    ).toEqual([]);
  });

  it('refuses more than 100 intents and a value that is not an array', () => {
    expect(validateIntents({})).toEqual(['intents must be an array']);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `i${i}`, examples: ['x'] }));
    expect(validateIntents(many)).toEqual(['intents: at most 100 intents']);
  });

  it('reports every problem, each naming its intent', () => {
    expect(validateIntents([{ name: 'Bad', examples: [] }, { name: 'ok', examples: ['a'.repeat(501)] }, 7])).toEqual([
      'intent "Bad": name must match ^[a-z][a-z0-9_]{0,39}$',
      'intent "Bad": examples must be an array of 1–200 strings',
      'intent "ok": every example must be a non-empty string of at most 500 characters',
      'intents[2] must be an object {name, description?, examples}',
    ]);
  });
});

describe(isValidTimezone.name, () => {
  it.each(['UTC', 'Europe/Paris', 'America/New_York'])('accepts %s', (zone) =>
    expect(isValidTimezone(zone)).toBe(true),
  );
  it.each(['', 'Mars/Olympus', 'x'.repeat(65)])('refuses "%s"', (zone) => expect(isValidTimezone(zone)).toBe(false));
});
