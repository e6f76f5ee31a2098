import { describe, expect, it } from 'vitest';
import { tagsOf } from '../checks/aws/support/resources.js';
import { structToJson } from '../providers/gcp/assets.js';
import { setOwn } from './own.js';

describe('keys from cloud data', () => {
  it('are own properties, even __proto__, and never change a prototype', () => {
    const out: Record<string, unknown> = {};
    setOwn(out, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('keep an AWS tag named __proto__ and a GCP field named __proto__ as data', () => {
    const tags = tagsOf([{ Key: '__proto__', Value: 'x' }, { Key: 'env', Value: 'prod' }]);
    expect(Object.entries(tags)).toEqual([['__proto__', 'x'], ['env', 'prod']]);
    const json = structToJson({ fields: JSON.parse('{"__proto__":{"stringValue":"y"},"name":{"stringValue":"n"}}') as never });
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(JSON.stringify(json)).toBe('{"__proto__":"y","name":"n"}');
  });
});
