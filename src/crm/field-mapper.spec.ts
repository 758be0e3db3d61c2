import { CrmErrorCode } from 'src/crm/crm.errors';
import { FieldMapper, validateFieldMapping } from 'src/crm/field-mapper';

const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a throw');
};

describe(FieldMapper.name, () => {
  it('maps platform fields through defaults overridden by the tenant and adds constants', () => {
    const sut = new FieldMapper(
      { firstName: 'firstname', email: 'email', message: 'notes' },
      { fields: { firstName: 'given_name', message: null }, constants: { lead_source: 'chatbot' } },
    );
    expect(sut.toCrm({ firstName: 'Ada', email: 'ada@example.com', message: 'hi', company: 'X' })).toEqual({
      lead_source: 'chatbot',
      given_name: 'Ada',
      email: 'ada@example.com',
    });
  });

  it('rejects a value longer than the field allows, naming the field', () => {
    const sut = new FieldMapper({ phone: 'phone' }, {});
    expect(messageOf(() => sut.toCrm({ phone: '+1'.padEnd(40, '5') }))).toEqual({
      code: CrmErrorCode.INVALID_FIELD,
      message: expect.stringContaining('phone') as string,
    });
  });
});

describe(validateFieldMapping.name, () => {
  it('names an unknown platform field', () => {
    expect(messageOf(() => validateFieldMapping({ fields: { favouriteColour: 'x' } })).message).toContain(
      'fieldMapping.fields.favouriteColour',
    );
  });

  it('names a CRM field name with forbidden characters', () => {
    expect(messageOf(() => validateFieldMapping({ fields: { email: 'e mail' } })).message).toContain(
      'fieldMapping.fields.email',
    );
  });

  it('names a constant whose value is an object', () => {
    expect(messageOf(() => validateFieldMapping({ constants: { tier: { a: 1 } } })).message).toContain(
      'fieldMapping.constants.tier',
    );
  });

  it('accepts a complete mapping unchanged', () => {
    const mapping = { fields: { email: 'Email__c', message: null }, constants: { score: 5, hot: true } };
    expect(validateFieldMapping(mapping)).toEqual(mapping);
  });
});
