import { serializeOpenApi } from 'src/common/http/openapi-file';

describe(serializeOpenApi.name, () => {
  it('sorts keys at every depth and keeps array order', () => {
    const text = serializeOpenApi({
      paths: { '/b': { post: {}, get: {} }, '/a': {} },
      openapi: '3.0.0',
      tags: ['z', 'a'],
    });

    expect(text).toBe(
      [
        '{',
        '  "openapi": "3.0.0",',
        '  "paths": {',
        '    "/a": {},',
        '    "/b": {',
        '      "get": {},',
        '      "post": {}',
        '    }',
        '  },',
        '  "tags": [',
        '    "z",',
        '    "a"',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text for the same document built in a different key order', () => {
    expect(serializeOpenApi({ info: { version: '1', title: 'x' }, openapi: '3.0.0' })).toBe(
      serializeOpenApi({ openapi: '3.0.0', info: { title: 'x', version: '1' } }),
    );
  });

  it('refuses a value JSON cannot represent instead of dropping it', () => {
    expect(() => serializeOpenApi({ example: BigInt(1) })).toThrow('Object can not safely be stringified');
  });
});
