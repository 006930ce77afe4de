/**
 * A hash table from byte strings to dense codes, so dictionary-encoding a string cell costs a hash
 * and a byte compare instead of a JS string allocation. Keys live in one growable arena.
 */
import { isAscii } from "node:buffer";

/** The dictionary's keys as transferable bytes: key i is arena[offsets[i], offsets[i + 1]), hashed hashes[i]. */
export interface DictBytes {
  arena: Uint8Array;
  offsets: Int32Array;
  hashes?: Int32Array;
}

/** FNV-1a, computed inline by the CSV scanner and here. */
export const HASH_SEED = 0x811c9dc5;
export const HASH_PRIME = 0x01000193;

/** The FNV-1a hash of bytes [s, e). */
export function hashBytes(buf: Uint8Array, s: number, e: number): number {
  let h = HASH_SEED;
  for (let i = s; i < e; i++) h = Math.imul(h ^ (buf[i] as number), HASH_PRIME);
  return h;
}

/** Byte-string → code table with open addressing. */
export class ByteDict {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private offsets: Int32Array;
  private arena: Uint8Array;
  private arenaLen = 0;
  size = 0;

  /** Presized for `keys` keys of `bytes` bytes in all, so a high-cardinality column neither rehashes nor copies. */
  constructor(keys = 32, bytes = 1024) {
    let slots = 64;
    while (slots < keys * 2 + 2) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(Math.max(32, keys + 2));
    this.offsets = new Int32Array(this.hashes.length + 1);
    this.arena = new Uint8Array(Math.max(1024, bytes));
  }

  /** The code of bytes [s, e) (hashed `h`) of `buf`, or -1 when absent (nothing is inserted). */
  find(buf: Uint8Array, s: number, e: number, h: number): number {
    let slot = h & this.mask;
    for (;;) {
      const v = (this.slots[slot] as number) - 1;
      if (v < 0) return -1;
      if (this.hashes[v] === h && this.equals(v, buf, s, e)) return v;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The code of bytes [s, e) of `buf`, inserting them when new. */
  code(buf: Uint8Array, s: number, e: number): number {
    return this.codeHashed(buf, s, e, hashBytes(buf, s, e));
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

  /** The keys as bytes: trimmed copies, or views (of buffers to transfer, after which this dictionary is unusable). */
  toBytes(copy = true): DictBytes {
    const take = <T extends Uint8Array | Int32Array>(a: T, n: number) => (copy ? a.slice(0, n) : a.subarray(0, n)) as T;
    return {
      arena: take(this.arena, this.arenaLen),
      offsets: take(this.offsets, this.size + 1),
      hashes: take(this.hashes, this.size),
    };
  }

  /** The keys as JS strings, in code order; given `out`, only the keys past `out.length` are decoded, onto it. */
  decode(out?: string[]): string[] {
    const from = out?.length ?? 0;
    const base = this.offsets[from] as number;
    const offsets = this.offsets.subarray(from, this.size + 1).map((o) => o - base);
    const keys = decodeDict({ arena: this.arena.subarray(base, this.arenaLen), offsets });
    if (!out) return keys;
    for (const k of keys) out.push(k);
    return out;
  }
}

function grow(a: Uint8Array, need: number): Uint8Array {
  const b = new Uint8Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Decode the keys `keys` of dictionary bytes into JS strings, appending them to `out`. */
export function decodeKeys(d: DictBytes, keys: Int32Array, out: string[]): string[] {
  const buf = Buffer.from(d.arena.buffer, d.arena.byteOffset, d.arena.byteLength);
  const offsets = d.offsets;
  const ascii = keys.length > 64 && isAscii(buf);
  const all = ascii ? buf.toString("latin1") : "";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as number;
    const s = offsets[k] as number;
    const e = offsets[k + 1] as number;
    out.push(ascii ? all.substring(s, e) : buf.toString("utf8", s, e));
  }
  return out;
}

/**
 * Decode dictionary bytes into JS strings. ASCII keys (the usual case) are cut from one decoded string,
 * which is much cheaper than a native decode per key for a million-key id column.
 */
export function decodeDict(d: DictBytes): string[] {
  const buf = Buffer.from(d.arena.buffer, d.arena.byteOffset, d.arena.byteLength);
  const n = d.offsets.length - 1;
  const out = new Array<string>(n);
  const offsets = d.offsets;
  if (n > 64 && isAscii(buf)) {
    const all = buf.toString("latin1");
    for (let i = 0; i < n; i++) out[i] = all.substring(offsets[i] as number, offsets[i + 1] as number);
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = buf.toString("utf8", offsets[i] as number, offsets[i + 1] as number);
  return out;
}
