import { LocalKeyValueStore } from 'src/redis/local.key-value-store';

describe(LocalKeyValueStore.name, () => {
  let clock: number;
  const build = () => new LocalKeyValueStore(() => clock);

  beforeEach(() => (clock = 5_000));

  it('hands a stored value out once', async () => {
    const sut = build();
    await sut.set('voice-ticket:b1:CA1', 'secret', 120);

    expect(await sut.take('voice-ticket:b1:CA1')).toBe('secret');
    expect(await sut.take('voice-ticket:b1:CA1')).toBeNull();
  });

  it('answers null once the TTL has passed', async () => {
    const sut = build();
    await sut.set('k', 'v', 2);

    clock += 2000;

    expect(await sut.take('k')).toBeNull();
  });

  it('replaces a value and its TTL when set again', async () => {
    const sut = build();
    await sut.set('k', 'old', 1);
    await sut.set('k', 'new', 10);

    clock += 5000;

    expect(await sut.take('k')).toBe('new');
  });

  it('reads a value without removing it, until its TTL has passed', async () => {
    const sut = build();
    await sut.set('k', 'v', 2);

    expect(await sut.get('k')).toBe('v');
    expect(await sut.get('k')).toBe('v');
    clock += 2000;
    expect(await sut.get('k')).toBeNull();
  });

  it('answers null for a key never set', async () => {
    expect(await build().take('missing')).toBeNull();
  });

  it('stores a value only where none is live, expired ones included', async () => {
    const sut = build();
    expect(await sut.setIfAbsent('k', 'first', 2)).toBe(true);
    expect(await sut.setIfAbsent('k', 'second', 2)).toBe(false);
    expect(await sut.get('k')).toBe('first');
    clock += 2000;
    expect(await sut.setIfAbsent('k', 'third', 2)).toBe(true);
    expect(await sut.get('k')).toBe('third');
  });
});
