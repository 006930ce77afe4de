/**
 * Which variant answers a row: sticky by routing key (a hash bucket compared with the weight), or
 * random when there is no key. Buckets are fixed per key, so a key keeps its variant while the weight
 * is unchanged, and raising the weight only moves keys from the primary to the candidate.
 */

/** Buckets per 100 %: weights have a resolution of 0.01 percentage points. */
const BUCKETS = 10_000;

/** The key's bucket in [0, 10000): FNV-1a over UTF-16 code units, then a murmur-style finaliser. */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // FNV alone clusters on short keys that differ in the last character; the finaliser spreads them.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % BUCKETS;
}

/** True when the candidate answers: by the key's bucket, or by `random()` when there is no key. */
export function routesToCandidate(weightPercent: number, key: string | undefined, random: () => number): boolean {
  if (weightPercent <= 0) return false;
  if (weightPercent >= 100) return true;
  const bucket = key === undefined ? Math.floor(random() * BUCKETS) : bucketOf(key);
  return bucket < Math.round(weightPercent * (BUCKETS / 100));
}
