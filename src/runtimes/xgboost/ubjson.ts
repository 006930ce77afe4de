/**
 * A Universal Binary JSON (ubjson.org, draft 12) decoder for the documents XGBoost writes with
 * `save_model("m.ubj")`: the same document as its JSON, with big-endian typed arrays
 * (`[$d#L<n>` float32, `[$l#L<n>` int32, `[$U#L<n>` uint8 ...) and length-prefixed keys.
 * Containers come out as plain objects and arrays, numbers as numbers (int64 beyond 2^53 refused).
 */
import { invalidParam } from "../../core/errors.js";

const MAX_DEPTH = 64;

/** Sizes of the fixed-size value types (payload bytes after the marker). */
const FIXED: Readonly<Record<string, number>> = { i: 1, U: 1, I: 2, l: 4, L: 8, d: 4, D: 8, C: 1, Z: 0, T: 0, F: 0 };

class Reader {
  pos = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder("utf-8", { fatal: true });

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  fail(what: string, at = this.pos): never {
    throw invalidParam(`not valid UBJSON: ${what} at byte ${at}`);
  }

  need(n: number): number {
    if (this.pos + n > this.buf.length) this.fail(`truncated (needs ${n} more bytes)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  marker(): string {
    return String.fromCharCode(this.buf[this.need(1)] as number);
  }

  peek(): string {
    if (this.pos >= this.buf.length) this.fail("truncated (container not closed)");
    return String.fromCharCode(this.buf[this.pos] as number);
  }

  /** The payload of a value of type `t` (marker already read). */
  value(t: string, depth: number): unknown {
    const v = this.view;
    switch (t) {
      case "Z":
        return null;
      case "T":
        return true;
      case "F":
        return false;
      case "i":
        return v.getInt8(this.need(1));
      case "U":
        return v.getUint8(this.need(1));
      case "I":
        return v.getInt16(this.need(2));
      case "l":
        return v.getInt32(this.need(4));
      case "L":
        return this.int64();
      case "d":
        return v.getFloat32(this.need(4));
      case "D":
        return v.getFloat64(this.need(8));
      case "C":
        return String.fromCharCode(v.getUint8(this.need(1)));
      case "S":
        return this.string();
      case "H":
        return Number(this.string());
      case "[":
        return this.array(depth + 1);
      case "{":
        return this.object(depth + 1);
      default:
        return this.fail(`unknown type marker '${t}'`, this.pos - 1);
    }
  }

  int64(): number {
    const at = this.need(8);
    const n = this.view.getBigInt64(at);
    if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) this.fail("int64 beyond 2^53", at);
    return Number(n);
  }

  /** A length or count: an integer value with its own marker. */
  length(): number {
    const at = this.pos;
    const t = this.marker();
    if (!"iUIlL".includes(t)) this.fail(`length must be an integer, got marker '${t}'`, at);
    const n = this.value(t, 0) as number;
    if (n < 0) this.fail(`negative length ${n}`, at);
    return n;
  }

  string(): string {
    const n = this.length();
    const at = this.need(n);
    try {
      return this.text.decode(this.buf.subarray(at, at + n));
    } catch {
      return this.fail("string is not UTF-8", at);
    }
  }

  /** `$type` and `#count` of an optimized container, when present. */
  header(): { type?: string; count?: number } {
    let type: string | undefined;
    if (this.peek() === "$") {
      this.pos++;
      type = this.marker();
      if (this.peek() !== "#") this.fail("a typed container needs a count ('#')");
    }
    if (this.peek() !== "#") return type === undefined ? {} : { type };
    this.pos++;
    const count = this.length();
    // Every element takes at least one byte unless its type has no payload: refuse counts that cannot fit.
    const size = type === undefined ? 1 : (FIXED[type] ?? 1);
    if (size > 0 && count * size > this.buf.length - this.pos) this.fail(`truncated (count ${count} exceeds the data)`);
    return type === undefined ? { count } : { type, count };
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const { type, count } = this.header();
    const out: unknown[] = [];
    if (count !== undefined) {
      for (let i = 0; i < count; i++) out.push(this.value(type ?? this.nextMarker(), depth));
      return out;
    }
    while (this.peek() !== "]") out.push(this.value(this.nextMarker(), depth));
    this.pos++;
    return out;
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail("nested too deeply");
    const { type, count } = this.header();
    const out: Record<string, unknown> = Object.create(null);
    const entry = () => {
      const key = this.string();
      out[key] = this.value(type ?? this.nextMarker(), depth);
    };
    if (count !== undefined) {
      for (let i = 0; i < count; i++) entry();
      return out;
    }
    while (this.peek() !== "}") entry();
    this.pos++;
    return out;
  }

  /** The next value marker, skipping no-ops. */
  nextMarker(): string {
    let t = this.marker();
    while (t === "N") t = this.marker();
    return t;
  }
}

/** Decodes one UBJSON document; throws INVALID_PARAMETER_VALUE naming the problem and its byte offset. */
export function decodeUbjson(buf: Uint8Array): unknown {
  const r = new Reader(buf);
  const doc = r.value(r.nextMarker(), 0);
  if (r.pos !== buf.length) r.fail(`${buf.length - r.pos} bytes after the document`);
  return doc;
}
