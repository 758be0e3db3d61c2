import { OTHER_TENANT, TenantLabels } from 'src/metrics/tenant-labels';

describe(TenantLabels.name, () => {
  it('folds every tenant into "other" when tenant labels are off', () => {
    const sut = new TenantLabels('off');
    expect(sut.label('acme')).toBe(OTHER_TENANT);
    expect(sut.label('off')).toBe(OTHER_TENANT);
  });

  it('keeps the opted-in tenant ids and folds the rest', () => {
    const sut = new TenantLabels('acme, globex,');
    expect(sut.label('acme')).toBe('acme');
    expect(sut.label('globex')).toBe('globex');
    expect(sut.label('initech')).toBe(OTHER_TENANT);
    expect(sut.label('')).toBe(OTHER_TENANT);
  });
});
