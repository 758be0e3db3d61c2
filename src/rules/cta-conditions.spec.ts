import { validateCtaConditions } from 'src/rules/cta-conditions';

const catalog = [{ id: 'drains', name: 'Drain cleaning', tags: ['services'] }];

describe(validateCtaConditions.name, () => {
  it('accepts a when over turn context variables and a catalog node whose tag has items', () => {
    const tree = {
      pro: { id: 'pro', label: 'Pro', action: 'send', when: { '==': [{ var: 'metadata.plan' }, 'pro'] } },
      services: { id: 'services', label: 'Services', action: 'send', source: 'catalog', tag: 'services' },
    };
    expect(validateCtaConditions(tree, catalog)).toEqual([]);
  });

  it('names the node of an unknown variable, an unknown operator, a null when and a tag without items', () => {
    const tree = {
      a: { id: 'a', label: 'A', action: 'send', when: { '==': [{ var: 'plan' }, 'pro'] } },
      b: { id: 'b', label: 'B', action: 'send', when: { eval: ['x'] } },
      c: { id: 'c', label: 'C', action: 'send', when: null },
      d: { id: 'd', label: 'D', action: 'send', source: 'catalog', tag: 'ghost' },
    };
    expect(validateCtaConditions(tree, catalog)).toEqual([
      {
        field: 'ctaTree.a.when',
        message: 'CTA "a": when.==[0]: unknown variable "plan" (see the turn context variables)',
      },
      { field: 'ctaTree.b.when', message: 'CTA "b": when: unknown JsonLogic operator "eval"' },
      { field: 'ctaTree.c.when', message: 'CTA "c": when must be a JsonLogic expression' },
      { field: 'ctaTree.d.tag', message: 'CTA "d": no catalog item has the tag "ghost"' },
    ]);
  });
});
