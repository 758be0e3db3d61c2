import { catalogOf, catalogProblems, MAX_CATALOG_ITEMS } from 'src/tenant/catalog';

describe(catalogProblems.name, () => {
  it('accepts items with optional description, http(s) url and tags', () => {
    expect(
      catalogProblems([
        { id: 'drains', name: 'Drain cleaning', description: 'Same day', url: 'https://a.example.com', tags: ['svc'] },
        { id: 'tiles.v2', name: 'Tiling' },
      ]),
    ).toEqual([]);
  });

  it('names the item and field of every problem', () => {
    expect(
      catalogProblems([
        { id: 'a b', name: 'x' },
        { id: 'ok', name: '', url: 'javascript:alert(1)', tags: ['Bad Tag'], price: 3 },
        { id: 'ok', name: 'dup' },
        'text',
      ]).map((p) => p.path),
    ).toEqual([
      'catalog[0].id',
      'catalog.ok',
      'catalog.ok.name',
      'catalog.ok.url',
      'catalog.ok.tags',
      'catalog.ok.id',
      'catalog[3]',
    ]);
  });

  it('refuses a non-array and more than the maximum number of items', () => {
    expect(catalogProblems({})).toEqual([{ path: 'catalog', message: 'catalog must be an array of items' }]);
    const many = Array.from({ length: MAX_CATALOG_ITEMS + 1 }, (_, i) => ({ id: `i${i}`, name: 'x' }));
    expect(catalogProblems(many)[0].message).toContain(`at most ${MAX_CATALOG_ITEMS} items`);
  });

  it('reads back only item objects', () => {
    expect(catalogOf([{ id: 'a', name: 'A' }, null, 'x']).map((i) => i.id)).toEqual(['a']);
    expect(catalogOf(undefined)).toEqual([]);
  });
});
