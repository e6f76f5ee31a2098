// Writing keys that come from cloud or user data (tag keys, JSON field names) into plain objects:
// `obj[key] = value` with key `__proto__` changes the object's prototype instead of adding the key
// (the tag is lost, or an object value is spliced into every lookup). Define an own property instead.
// Reads of such keys must use Object.hasOwn (see core/mutes.ts).

export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
