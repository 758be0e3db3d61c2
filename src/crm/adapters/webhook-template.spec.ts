import { checkTemplate, readPath, renderBody, renderUrl } from 'src/crm/adapters/webhook-template';

describe('webhook templates', () => {
  it('percent-encodes values substituted into a URL so they cannot alter its path or query', () => {
    expect(renderUrl('https://crm.example.com/c?email={{email}}', { email: 'a+b@x.com&admin=1' })).toBe(
      'https://crm.example.com/c?email=a%2Bb%40x.com%26admin%3D1',
    );
    expect(renderUrl('https://crm.example.com/c/{{contactId}}', { contactId: '../admin' })).toBe(
      'https://crm.example.com/c/..%2Fadmin',
    );
  });

  it('keeps the type of a value that fills a whole string and interpolates text otherwise', () => {
    const out = renderBody(
      {
        value: '{{amount}}',
        name: '{{firstName}} {{lastName}}',
        props: '{{fields}}',
        missing: '{{company}}',
        list: ['{{email}}'],
      },
      {
        amount: 12.5,
        firstName: 'Ada',
        lastName: 'L',
        fields: { a: 1 },
        email: 'e@x.com',
      },
    );
    expect(out).toEqual({ value: 12.5, name: 'Ada L', props: { a: 1 }, missing: null, list: ['e@x.com'] });
  });

  it('names the location of an unknown variable', () => {
    expect(() => checkTemplate({ a: { b: ['{{ssn}}'] } }, 'options.operations.createContact.body')).toThrow(
      /options\.operations\.createContact\.body\.a\.b\[0\]/,
    );
  });

  it('reads ids through object keys and array indexes', () => {
    expect(readPath({ data: [{ id: 7 }] }, 'data.0.id')).toBe(7);
    expect(readPath({ data: [] }, 'data.0.id')).toBeUndefined();
    expect(readPath('text', 'id')).toBeUndefined();
  });
});
