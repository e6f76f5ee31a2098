// Small deterministic helpers shared by the world loader, the generators and the server.

/** An integer hash of a string (FNV-1a with a final avalanche), for seeds and ids. */
export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i += 1) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/** murmur3's finaliser: every input bit flips about half of the output bits. */
function avalanche(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hex digits derived from the input: stable resource ids that do not change between runs. */
export function stableHex(input: string, length: number): string {
  let h = hash32(input);
  let out = '';
  for (let i = 0; i < length; i += 1) {
    if (i > 0 && i % 8 === 0) h = avalanche(h + 0x9e3779b9);
    out += HEX[(h >>> (28 - 4 * (i % 8))) & 15];
  }
  return out;
}

const HEX = '0123456789abcdef';

/** A seeded PRNG (mulberry32): the same seed gives the same sequence of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Matches `*` (any run) and `?` (one character) wildcards, as EC2 filters and API patterns do. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** A fixed reference time for default creation dates, so generated worlds are byte-for-byte stable. */
export const EPOCH = Date.parse('2023-01-02T09:00:00Z');

const isoCache = new Map<number, string>();

/** The reference time plus some hours, as ISO 8601 without milliseconds. */
export function isoAt(offsetHours: number): string {
  let iso = isoCache.get(offsetHours);
  if (iso === undefined) {
    iso = new Date(EPOCH + offsetHours * 3_600_000).toISOString().replace('.000Z', 'Z');
    if (isoCache.size < 100_000) isoCache.set(offsetHours, iso);
  }
  return iso;
}
