import {
  CtaTree,
  ctaTreeProblems,
  entryCtas,
  normalizeCtaTree,
  publicEntryCtas,
  validateCtaTree,
} from 'src/tenant/cta-tree';

const node = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  label: id.toUpperCase(),
  action: 'send',
  message: 'hi',
  ...extra,
});

describe('catalog nodes', () => {
  it('accepts a send node with source catalog and a tag, and names each misuse', () => {
    expect(validateCtaTree({ s: node('s', { source: 'catalog', tag: 'services' }) })).toEqual([]);
    expect(
      ctaTreeProblems({
        a: node('a', { source: 'shop', tag: 'x' }),
        b: node('b', { action: 'link', url: 'https://x.example.com', source: 'catalog', tag: 'x' }),
        c: node('c', { source: 'catalog' }),
        d: node('d', { tag: 'x' }),
      }).map((p) => p.path),
    ).toEqual(['ctaTree.a.source', 'ctaTree.b.source', 'ctaTree.c.tag', 'ctaTree.d.tag']);
  });
});

describe('publicEntryCtas', () => {
  it('leaves conditional nodes out and expands catalog nodes into at most 10 items of their tag', () => {
    const tree = {
      main_menu: node('main_menu', { action: 'show_children', children: ['pro', 'svc', 'a'] }),
      pro: node('pro', { when: { '==': [{ var: 'metadata.plan' }, 'pro'] } }),
      svc: node('svc', { source: 'catalog', tag: 'services' }),
      a: node('a'),
    } as CtaTree;
    const catalog = [
      ...Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, name: `S${i}`, tags: ['services'] })),
      { id: 'x', name: 'X', url: 'https://x.example.com' },
    ];
    const ids = publicEntryCtas(tree, catalog).map((n) => n.id);
    expect(ids).toEqual([...Array.from({ length: 10 }, (_, i) => `svc:s${i}`), 'a']);
  });
});

describe('validateCtaTree', () => {
  it('accepts a valid tree', () => {
    const tree = {
      main_menu: node('main_menu', { action: 'show_children', children: ['a', 'book'] }),
      a: node('a'),
      book: node('book', { action: 'link', url: 'https://cal.example.com/x' }),
    };
    expect(validateCtaTree(tree)).toEqual([]);
  });

  it('names a dangling child', () => {
    expect(validateCtaTree({ m: node('m', { action: 'show_children', children: ['nope'] }) })).toEqual([
      'ctaTree node "m" has child "nope" that does not exist',
    ]);
  });

  it('finds a cycle through several nodes', () => {
    const tree = {
      a: node('a', { action: 'show_children', children: ['b'] }),
      b: node('b', { action: 'show_children', children: ['c'] }),
      c: node('c', { action: 'show_children', children: ['a'] }),
    };
    expect(validateCtaTree(tree)).toEqual(['ctaTree has a cycle: a → b → c → a']);
  });

  it('accepts a shared child reached by two paths (a DAG is not a cycle)', () => {
    const tree = {
      a: node('a', { action: 'show_children', children: ['x', 'y'] }),
      x: node('x', { action: 'show_children', children: ['z'] }),
      y: node('y', { action: 'show_children', children: ['z'] }),
      z: node('z'),
    };
    expect(validateCtaTree(tree)).toEqual([]);
  });

  it.each([
    [{ l: node('l', { action: 'link' }) }, 'ctaTree node "l" (link) needs an http(s) url'],
    [{ r: node('r', { action: 'redirect', url: 'ftp://x' }) }, 'ctaTree node "r" (redirect) needs an http(s) url'],
    [{ u: node('u', { action: 'fly' }) }, 'ctaTree node "u" has unknown action "fly"'],
    [{ e: node('e', { label: '  ' }) }, 'ctaTree node "e" needs a non-empty label'],
    [{ k: node('other') }, 'ctaTree node "k" has id "other"'],
    [{ s: node('s', { action: 'show_children' }) }, 'ctaTree node "s" (show_children) needs at least one child'],
  ])('rejects %j', (tree, message) => {
    expect(validateCtaTree(tree).join('\n')).toContain(message);
  });

  it('rejects a non-object tree', () => {
    expect(validateCtaTree([])).toEqual(['ctaTree must be an object of id → node']);
  });
});

describe('ctaTreeProblems', () => {
  it('names the node field each problem is about, for the console to show it there', () => {
    const tree = {
      m: node('m', { action: 'show_children', children: ['go'] }),
      go: node('go', { action: 'link', label: ' ', url: 'ftp://x' }),
    };
    expect(ctaTreeProblems(tree)).toEqual([
      { path: 'ctaTree.go.label', message: 'ctaTree node "go" needs a non-empty label' },
      { path: 'ctaTree.go.url', message: 'ctaTree node "go" (link) needs an http(s) url' },
      { path: 'ctaTree.go.url', message: 'ctaTree node "go" has a url that is not http(s)' },
    ]);
  });

  it('puts a cycle on the children of the node where it starts', () => {
    const tree = {
      a: node('a', { action: 'show_children', children: ['b'] }),
      b: node('b', { action: 'show_children', children: ['a'] }),
    };
    expect(ctaTreeProblems(tree)).toEqual([{ path: 'ctaTree.a.children', message: 'ctaTree has a cycle: a → b → a' }]);
  });
});

describe('entryCtas', () => {
  it('prefers the children of main_menu', () => {
    const tree = normalizeCtaTree({
      main_menu: { id: 'main_menu', label: 'Menu', action: 'show_children', children: ['b', 'a'] },
      a: { id: 'a', label: 'A', action: 'send' },
      b: { id: 'b', label: 'B', action: 'send' },
    } as CtaTree);
    expect(entryCtas(tree).map((n) => n.id)).toEqual(['b', 'a']);
  });

  it('falls back to root show_children nodes', () => {
    const tree = {
      sales: { id: 'sales', label: 'Sales', action: 'show_children', children: ['x'] },
      x: { id: 'x', label: 'X', action: 'send' },
      lone: { id: 'lone', label: 'Lone', action: 'send' },
    } as CtaTree;
    expect(entryCtas(tree).map((n) => n.id)).toEqual(['sales']);
  });
});
