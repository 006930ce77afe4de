/**
 * The state of the inert unpickler (inert-pickle.ts): stack, marks, memo and bounded reads, and
 * the values it builds in place of Python objects.
 */

/** A class or function named by the pickle (module and qualified name). */
export interface PyGlobal {
  readonly kind: "global";
  readonly module: string;
  readonly name: string;
}

/** What Python would build by calling `callable(*args)` and then applying `state` (BUILD). */
export interface PyObject {
  readonly kind: "object";
  readonly callable: unknown;
  readonly args: readonly unknown[];
  state?: unknown;
  /** Items APPENDed or SETITEMed onto the object (list and dict subclasses). */
  readonly items: unknown[];
  readonly entries: Map<unknown, unknown>;
}

/** A tuple, kept apart from lists. */
export interface PyTuple {
  readonly kind: "tuple";
  readonly items: readonly unknown[];
}

/** A Python value: null (None), boolean, number (int within 2^53 or float), bigint, string, bytes, list, dict, tuple, set, global, object. */
export type PyValue = unknown;

/** An error naming the byte offset; the caller adds the file. */
export class PickleError extends Error {}

function isGlobal(v: unknown): v is PyGlobal {
  return typeof v === "object" && v !== null && (v as PyGlobal).kind === "global";
}

/** True when `v` is the global `module.name` (either name given as accepted alternatives). */
export function isPyGlobal(v: unknown, module: string | readonly string[], name: string): boolean {
  const modules = typeof module === "string" ? [module] : module;
  return isGlobal(v) && modules.includes(v.module) && v.name === name;
}

export function isPyObject(v: unknown): v is PyObject {
  return typeof v === "object" && v !== null && (v as PyObject).kind === "object";
}

export function isPyTuple(v: unknown): v is PyTuple {
  return typeof v === "object" && v !== null && (v as PyTuple).kind === "tuple";
}

/** The unpickler's state and its reads; the opcodes are in inert-pickle.ts. */
export class PickleStack {
  pos = 0;
  readonly stack: unknown[] = [];
  readonly marks: number[] = [];
  readonly memo = new Map<number, unknown>();
  readonly view: DataView;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new PickleError(`truncated at byte ${this.pos}`);
  }
  u8(): number {
    this.need(1);
    return this.buf[this.pos++] as number;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.buf.length))
      throw new PickleError(`truncated: length ${v} runs past the end at byte ${this.pos}`);
    return Number(v);
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  text(n: number): string {
    return new TextDecoder("utf-8").decode(this.bytes(n));
  }
  line(): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleError(`truncated at byte ${this.pos}: no end of line`);
    const s = new TextDecoder("latin1").decode(this.buf.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  push(v: unknown): void {
    this.stack.push(v);
  }
  pop(): unknown {
    if (this.stack.length === 0 || this.stack.length <= (this.marks.at(-1) ?? -1)) {
      throw new PickleError(`stack underflow at byte ${this.pos}`);
    }
    return this.stack.pop();
  }
  top(): unknown {
    if (this.stack.length === 0) throw new PickleError(`stack underflow at byte ${this.pos}`);
    return this.stack[this.stack.length - 1];
  }
  /** The items since the last MARK, removed with it. */
  popMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw new PickleError(`no MARK at byte ${this.pos}`);
    return this.stack.splice(mark);
  }
  get(key: number): unknown {
    if (!this.memo.has(key)) throw new PickleError(`memo ${key} unset at byte ${this.pos}`);
    return this.memo.get(key);
  }
  object(callable: unknown, args: readonly unknown[]): PyObject {
    return { kind: "object", callable, args, items: [], entries: new Map() };
  }

  long(n: number): number | bigint {
    const b = this.bytes(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
    if (n > 0 && ((b[n - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  textInt(s: string): number | bigint | boolean {
    if (s === "01") return true;
    if (s === "00") return false;
    if (!/^-?\d+$/.test(s)) throw new PickleError(`'${s}' is not an integer at byte ${this.pos}`);
    const v = BigInt(s);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  /** MEMOIZE, PUT, GET and the stack shuffles; false for any other opcode. */
  memoOp(op: number): boolean {
    switch (op) {
      case 0x94: // MEMOIZE
        this.memo.set(this.memo.size, this.top());
        return true;
      case 0x71: // BINPUT
        this.memo.set(this.u8(), this.top());
        return true;
      case 0x72: // LONG_BINPUT
        this.memo.set(this.u32(), this.top());
        return true;
      case 0x70: // PUT
        this.memo.set(Number(this.line()), this.top());
        return true;
      case 0x68: // BINGET
        this.push(this.get(this.u8()));
        return true;
      case 0x6a: // LONG_BINGET
        this.push(this.get(this.u32()));
        return true;
      case 0x67: // GET
        this.push(this.get(Number(this.line())));
        return true;
      case 0x30: // POP
        if (this.stack.length === this.marks.at(-1)) this.marks.pop();
        else this.pop();
        return true;
      case 0x31: // POP_MARK
        this.popMark();
        return true;
      case 0x32: // DUP
        this.push(this.top());
        return true;
      default:
        return false;
    }
  }
}
