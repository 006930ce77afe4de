/**
 * A hash table from byte strings to dense codes, so dictionary-encoding a string cell costs a hash
 * and a byte compare instead of a JS string allocation. Keys live in one growable arena.
 */

/** The dictionary's keys as transferable bytes: key i is arena[offsets[i], offsets[i + 1]). */
export interface DictBytes {
  arena: Uint8Array;
  offsets: Int32Array;
}

/** FNV-1a, computed inline by the CSV scanner and here. */
export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

/** Byte-string → code table with open addressing. */
export class ByteDict {
  private slots = new Int32Array(64);
  private mask = 63;
  private hashes = new Int32Array(32);
  private offsets = new Int32Array(33);
  private arena: Uint8Array = new Uint8Array(1024);
  private arenaLen = 0;
  size = 0;

  /** The code of bytes [s, e) of `buf`, inserting them when new. */
  code(buf: Uint8Array, s: number, e: number): number {
    let h = HASH_SEED;
    for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i] as number), HASH_PRIME);
    return this.codeHashed(buf, s, e, h);
  }

  /** Like {@link code}, with the bytes' hash already computed by the caller's scan loop. */
  codeHashed(buf: Uint8Array, s: number, e: number, h: number): number {
    let slot = h & this.mask;
    for (;;) {
      const v = (this.slots[slot] as number) - 1;
      if (v < 0) return this.insert(buf, s, e, h, slot);
      if (this.hashes[v] === h && this.equals(v, buf, s, e)) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  private equals(code: number, buf: Uint8Array, s: number, e: number): boolean {
    const ks = this.offsets[code] as number;
    const len = (this.offsets[code + 1] as number) - ks;
    if (len !== e - s) return false;
    const arena = this.arena;
    for (let i = 0; i < len; i++) if (arena[ks + i] !== buf[s + i]) return false;
    return true;
  }

  private insert(buf: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const code = this.size++;
    if (code + 2 > this.hashes.length) this.growKeys();
    const len = e - s;
    if (this.arenaLen + len > this.arena.length) this.arena = grow(this.arena, this.arenaLen + len);
    // A byte loop: subarray() would allocate a view per new key.
    const arena = this.arena;
    let at = this.arenaLen;
    for (let i = s; i < e; i++) arena[at++] = buf[i] as number;
    this.arenaLen = at;
    this.offsets[code + 1] = this.arenaLen;
    this.hashes[code] = h;
    this.slots[slot] = code + 1;
    if (this.size * 2 > this.mask) this.rehash();
    return code;
  }

  private growKeys(): void {
    const n = this.hashes.length * 2;
    const hashes = new Int32Array(n);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const offsets = new Int32Array(n + 1);
    offsets.set(this.offsets);
    this.offsets = offsets;
  }

  private rehash(): void {
    const cap = this.slots.length * 2;
    this.slots = new Int32Array(cap);
    this.mask = cap - 1;
    for (let c = 0; c < this.size; c++) {
      let slot = (this.hashes[c] as number) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = c + 1;
    }
  }

  /** The keys as bytes (trimmed copies, safe to transfer). */
  toBytes(): DictBytes {
    return { arena: this.arena.slice(0, this.arenaLen), offsets: this.offsets.slice(0, this.size + 1) };
  }
}

function grow(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Decode dictionary bytes into JS strings. */
export function decodeDict(d: DictBytes): string[] {
  const buf = Buffer.from(d.arena.buffer, d.arena.byteOffset, d.arena.byteLength);
  const n = d.offsets.length - 1;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = buf.toString("utf8", d.offsets[i] as number, d.offsets[i + 1] as number);
  return out;
}
