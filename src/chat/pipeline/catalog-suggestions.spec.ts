import { CatalogSuggestions, MAX_SUGGESTIONS } from 'src/chat/pipeline/catalog-suggestions';
import type { TenantConfig } from 'src/tenant/tenant-config';

const business = (catalog: unknown[], version = 1) =>
  ({ businessId: 'acme', version, catalog }) as unknown as TenantConfig;
const plumbing = [
  { id: 'drains', name: 'Drain cleaning', description: 'Blocked sinks, showers and sewer lines cleared the same day.' },
  { id: 'heaters', name: 'Water heater repair', description: 'Tank and tankless water heaters repaired or replaced.' },
  { id: 'leaks', name: 'Leak detection', description: 'We find hidden leaks in walls, floors and slabs.' },
  { id: 'bath', name: 'Bathroom remodeling', description: 'New showers, tubs, vanities and tiles.' },
];

describe(CatalogSuggestions.name, () => {
  const sut = new CatalogSuggestions();

  it('suggests the items closest to the question, best first', () => {
    expect(sut.suggest(business(plumbing), 'Do you repair tankless water heaters?').map((i) => i.id)).toEqual([
      'heaters',
    ]);
    expect(sut.suggest(business(plumbing), 'My shower drain is clogged').map((i) => i.id)[0]).toBe('drains');
    expect(sut.suggest(business(plumbing), 'I think there is a leak under my floor').map((i) => i.id)).toEqual([
      'leaks',
    ]);
  });

  it('suggests nothing for small talk or a question no item is about', () => {
    for (const q of ['thanks', 'What are your opening hours?', 'How much does it cost?', '']) {
      expect(sut.suggest(business(plumbing), q)).toEqual([]);
    }
  });

  it(`suggests at most ${MAX_SUGGESTIONS} items`, () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ id: `h${i}`, name: `Water heater model ${i}` }));
    expect(sut.suggest(business(many, 2), 'water heater')).toHaveLength(MAX_SUGGESTIONS);
  });

  it('reads a new config version instead of a stale index', () => {
    expect(sut.suggest(business([], 3), 'water heater')).toEqual([]);
    expect(sut.suggest(business(plumbing, 4), 'water heater').map((i) => i.id)).toEqual(['heaters']);
  });
});
