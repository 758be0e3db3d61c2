import { inspectBody, MAX_BODY_DEPTH } from 'src/common/http/body-inspection';
import { HttpErrorCode } from 'src/common/http/http.errors';

const nested = (levels: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { child: value };
  return value;
};

describe(inspectBody.name, () => {
  it('accepts scalars, empty bodies and ordinary nested objects', () => {
    expect(inspectBody(undefined)).toBeNull();
    expect(inspectBody('text')).toBeNull();
    expect(inspectBody({ a: [{ b: { c: [1, 2, null] } }], prototype: 'a plain key' })).toBeNull();
  });

  it('accepts a body exactly at the depth limit and refuses one level more', () => {
    expect(inspectBody(nested(MAX_BODY_DEPTH))).toBeNull();
    expect(inspectBody(nested(MAX_BODY_DEPTH + 1))?.code).toBe(HttpErrorCode.BODY_TOO_DEEP);
  });

  it('refuses a body nested hundreds of thousands of levels without overflowing the stack', () => {
    const err = inspectBody(JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)));
    expect(err?.code).toBe(HttpErrorCode.BODY_TOO_DEEP);
    expect(err?.kind).toBe('VALIDATION');
  });

  it.each([
    ['a __proto__ key at the top', '{"__proto__": {"isAdmin": true}}', '__proto__'],
    ['a __proto__ key inside an array', '{"a": [{"b": 1}, {"__proto__": {"x": 1}}]}', '__proto__'],
    ['a constructor key', '{"settings": {"constructor": {"prototype": {"x": 1}}}}', 'constructor'],
  ])('refuses %s', (_case, json, key) => {
    const err = inspectBody(JSON.parse(json));
    expect(err?.code).toBe(HttpErrorCode.FORBIDDEN_KEY);
    expect(err?.message).toBe(`Request body must not contain the key "${key}"`);
  });
});
