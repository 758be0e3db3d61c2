import { captureLead, extractLeadFields, missingFields } from 'src/conversation/lead-capture';

const ctx = { defaultCountry: 'US', awaitingField: null };

describe(extractLeadFields.name, () => {
  it('finds an email and lower-cases it', () => {
    expect(extractLeadFields('reach me at John.Doe@Example.COM please', ctx)).toEqual({
      email: 'john.doe@example.com',
    });
  });

  it('normalizes a national number to E.164 with the tenant country', () => {
    expect(extractLeadFields('my number is 415-555-2671', ctx).phone).toBe('+14155552671');
    expect(extractLeadFields('ring 020 7946 0958', { ...ctx, defaultCountry: 'GB' }).phone).toBe('+442079460958');
  });

  it('keeps an explicit country code whatever the tenant country', () => {
    expect(extractLeadFields('call +44 20 7946 0958', ctx).phone).toBe('+442079460958');
  });

  it('ignores invalid numbers and digits inside an email address', () => {
    expect(extractLeadFields('order 12345 please', ctx).phone).toBeUndefined();
    expect(extractLeadFields('i am at bob4155552671@mail.com', ctx)).toEqual({ email: 'bob4155552671@mail.com' });
  });

  it('reads an explicit name in any case, title-cased', () => {
    expect(extractLeadFields('my name is john smith', ctx)).toEqual({ firstName: 'John', lastName: 'Smith' });
    expect(extractLeadFields('My name is Sterling Archer', ctx)).toEqual({ firstName: 'Sterling', lastName: 'Archer' });
  });

  it('reads "I\'m Maria" but not "I\'m looking for a plumber"', () => {
    expect(extractLeadFields("Hi, I'm Maria and I need help", ctx)).toEqual({ firstName: 'Maria' });
    expect(extractLeadFields("I'm looking for a plumber", ctx)).toEqual({});
    expect(extractLeadFields("I'm Interested in pricing", ctx)).toEqual({});
  });

  it('reads a bare answer as a name only when a name was asked for', () => {
    expect(extractLeadFields('jane doe', { ...ctx, awaitingField: 'firstName' })).toEqual({
      firstName: 'Jane',
      lastName: 'Doe',
    });
    expect(extractLeadFields('jane doe', ctx)).toEqual({});
    expect(extractLeadFields('what are your hours?', { ...ctx, awaitingField: 'firstName' })).toEqual({});
    expect(extractLeadFields('plumbing', { ...ctx, awaitingField: 'firstName' })).toEqual({});
    expect(extractLeadFields('no thanks', { ...ctx, awaitingField: 'firstName' })).toEqual({});
  });

  it('reads a company from explicit phrasing', () => {
    expect(extractLeadFields('I work at Globex Corp.', ctx)).toEqual({ company: 'Globex Corp' });
    expect(extractLeadFields("I'm with Initech, we need a quote", ctx)).toEqual({ company: 'Initech' });
  });
});

describe(captureLead.name, () => {
  it('locks newly captured fields and reports them', () => {
    const out = captureLead('I am Ann, ann@x.io', { captured: {}, locks: {} }, ctx);
    expect(out.captured).toEqual({ firstName: 'Ann', email: 'ann@x.io' });
    expect(out.locks).toEqual({ firstName: true, email: true });
    expect(out.newlyLocked.sort()).toEqual(['email', 'firstName']);
  });

  it('keeps a locked field when another value appears without a correction', () => {
    const out = captureLead(
      'my colleague is bob@x.io',
      { captured: { email: 'ann@x.io' }, locks: { email: true } },
      ctx,
    );
    expect(out.captured.email).toBe('ann@x.io');
    expect(out.corrected).toEqual([]);
  });

  it('replaces a locked field when the user corrects it', () => {
    const out = captureLead(
      'actually my email is ann@y.io',
      { captured: { email: 'ann@x.io' }, locks: { email: true } },
      ctx,
    );
    expect(out.captured.email).toBe('ann@y.io');
    expect(out.corrected).toEqual(['email']);
  });

  it('never lists a locked field as missing', () => {
    expect(missingFields({ firstName: true, phone: true })).toEqual(['email']);
  });
});
