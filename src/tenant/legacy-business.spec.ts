import { camelizeTopLevelKeys } from 'src/tenant/legacy-business';

describe('camelizeTopLevelKeys', () => {
  it('renames top-level snake_case keys only', () => {
    const out = camelizeTopLevelKeys({ business_id: 'x', cta_tree: { main_menu: { id: 'main_menu' } } });
    expect(out).toEqual({ businessId: 'x', ctaTree: { main_menu: { id: 'main_menu' } } });
  });

  it('lets an explicit camelCase key win over its snake_case twin', () => {
    expect(camelizeTopLevelKeys({ business_name: 'old', businessName: 'new' })).toEqual({ businessName: 'new' });
  });
});
