/**
 * Per-variant state found by four nested Map lookups on the label values. Lookups by existing
 * strings reuse their cached hashes; building a joined key string per request cost ~4x more.
 */
export class SeriesTree<V> {
  private readonly root = new Map<string, Map<string, Map<string, Map<string, V>>>>();

  constructor(private readonly create: (a: string, b: string, c: string, d: string) => V) {}

  /** The value for the four label values, created on first use. */
  get(a: string, b: string, c: string, d: string): V {
    const l1 = child(this.root, a);
    const l2 = child(l1, b);
    const l3 = child(l2, c);
    let v = l3.get(d);
    if (v === undefined) {
      v = this.create(a, b, c, d);
      l3.set(d, v);
    }
    return v;
  }

  /** Every value, in creation order per level. */
  *values(): IterableIterator<V> {
    for (const l1 of this.root.values()) for (const l2 of l1.values()) for (const l3 of l2.values()) yield* l3.values();
  }
}

function child<K, V>(map: Map<K, Map<string, V>>, key: K): Map<string, V> {
  let m = map.get(key);
  if (m === undefined) {
    m = new Map();
    map.set(key, m);
  }
  return m;
}
