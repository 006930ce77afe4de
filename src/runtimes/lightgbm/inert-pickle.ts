/**
 * Reads a Python pickle (protocols 0 to 5, as pickle and cloudpickle write them) without running
 * anything: where Python would import a class and call it, this builds an inert record of what
 * would have been called with what (`PyGlobal`, `PyObject`), so a caller can look for the data it
 * knows (a model string, an array's bytes) and nothing in the file can act. Refuses out-of-band
 * buffers, persistent ids and extension codes (which need the writer's context), and any file
 * whose lengths run past its end.
 */

import { isPyObject, isPyTuple, PickleError, PickleStack, type PyValue } from "./pickle-stack.js";

export {
  isPyGlobal,
  isPyObject,
  isPyTuple,
  PickleError,
  type PyGlobal,
  type PyObject,
  type PyTuple,
  type PyValue,
} from "./pickle-stack.js";

/** Reads the pickle in `buf` and returns its top value. */
export function readPickle(buf: Uint8Array): PyValue {
  const m = new PickleStack(buf);
  for (;;) {
    if (m.pos >= buf.length) throw new PickleError(`truncated: no STOP before byte ${m.pos}`);
    const at = m.pos;
    const op = buf[m.pos++] as number;
    if (op === 0x2e) return m.pop(); // STOP
    if (!step(m, op)) throw new PickleError(`unsupported opcode 0x${op.toString(16)} at byte ${at}`);
  }
}

/** One opcode; false when it is not one this reader knows. */
function step(m: PickleStack, op: number): boolean {
  switch (op) {
    case 0x80: // PROTO
      m.u8();
      return true;
    case 0x95: // FRAME
      m.u64();
      return true;
    case 0x28: // MARK
      m.marks.push(m.stack.length);
      return true;
    case 0x4e: // NONE
      m.push(null);
      return true;
    case 0x88: // NEWTRUE
      m.push(true);
      return true;
    case 0x89: // NEWFALSE
      m.push(false);
      return true;
    case 0x4b: // BININT1
      m.push(m.u8());
      return true;
    case 0x4d: // BININT2
      m.push(m.u16());
      return true;
    case 0x4a: // BININT
      m.push(m.i32());
      return true;
    case 0x8a: // LONG1
      m.push(m.long(m.u8()));
      return true;
    case 0x8b: // LONG4
      m.push(m.long(m.u32()));
      return true;
    case 0x47: {
      // BINFLOAT
      m.need(8);
      m.push(m.view.getFloat64(m.pos, false));
      m.pos += 8;
      return true;
    }
    case 0x49: // INT (protocol 0): also True/False as 01/00
      m.push(m.textInt(m.line()));
      return true;
    case 0x4c: // LONG (protocol 0)
      m.push(m.textInt(m.line().replace(/L$/, "")));
      return true;
    case 0x46: // FLOAT (protocol 0)
      m.push(Number(m.line()));
      return true;
    case 0x8c: // SHORT_BINUNICODE
      m.push(m.text(m.u8()));
      return true;
    case 0x58: // BINUNICODE
      m.push(m.text(m.u32()));
      return true;
    case 0x8d: // BINUNICODE8
      m.push(m.text(m.u64()));
      return true;
    case 0x56: // UNICODE (protocol 0, raw-unicode-escape: latin-1 with \uXXXX and \UXXXXXXXX)
      m.push(rawUnicodeEscape(m.line()));
      return true;
    case 0x55: // SHORT_BINSTRING (Python 2 str)
      m.push(new TextDecoder("latin1").decode(m.bytes(m.u8())));
      return true;
    case 0x54: // BINSTRING
      m.push(new TextDecoder("latin1").decode(m.bytes(m.u32())));
      return true;
    case 0x43: // SHORT_BINBYTES
      m.push(m.bytes(m.u8()));
      return true;
    case 0x42: // BINBYTES
      m.push(m.bytes(m.u32()));
      return true;
    case 0x8e: // BINBYTES8
      m.push(m.bytes(m.u64()));
      return true;
    case 0x96: // BYTEARRAY8
      m.push(m.bytes(m.u64()));
      return true;
    default:
      return containers(m, op) || m.memoOp(op) || calls(m, op);
  }
}

function containers(m: PickleStack, op: number): boolean {
  switch (op) {
    case 0x7d: // EMPTY_DICT
      m.push(new Map());
      return true;
    case 0x5d: // EMPTY_LIST
      m.push([]);
      return true;
    case 0x29: // EMPTY_TUPLE
      m.push({ kind: "tuple", items: [] });
      return true;
    case 0x8f: // EMPTY_SET
      m.push(new Set());
      return true;
    case 0x85: // TUPLE1
    case 0x86: // TUPLE2
    case 0x87: {
      // TUPLE3
      const n = op - 0x84;
      const items = Array.from({ length: n }, () => m.pop()).reverse();
      m.push({ kind: "tuple", items });
      return true;
    }
    case 0x74: // TUPLE
      m.push({ kind: "tuple", items: m.popMark() });
      return true;
    case 0x6c: // LIST
      m.push(m.popMark());
      return true;
    case 0x64: {
      // DICT
      const items = m.popMark();
      const map = new Map();
      for (let i = 0; i + 1 < items.length; i += 2) map.set(items[i], items[i + 1]);
      m.push(map);
      return true;
    }
    case 0x91: // FROZENSET
      m.push(new Set(m.popMark()));
      return true;
    case 0x61: {
      // APPEND
      const v = m.pop();
      append(m, m.top(), [v]);
      return true;
    }
    case 0x65: {
      // APPENDS
      const items = m.popMark();
      append(m, m.top(), items);
      return true;
    }
    case 0x73: {
      // SETITEM
      const v = m.pop();
      const k = m.pop();
      setItems(m, m.top(), [k, v]);
      return true;
    }
    case 0x75: {
      // SETITEMS
      const items = m.popMark();
      setItems(m, m.top(), items);
      return true;
    }
    case 0x90: {
      // ADDITEMS
      const items = m.popMark();
      const set = m.top();
      if (!(set instanceof Set)) throw new PickleError(`ADDITEMS on a non-set at byte ${m.pos}`);
      for (const v of items) set.add(v);
      return true;
    }
    default:
      return false;
  }
}

function append(m: PickleStack, target: unknown, items: unknown[]): void {
  if (Array.isArray(target)) target.push(...items);
  else if (isPyObject(target)) target.items.push(...items);
  else throw new PickleError(`APPEND to a non-list at byte ${m.pos}`);
}

function setItems(m: PickleStack, target: unknown, items: unknown[]): void {
  const map = target instanceof Map ? target : isPyObject(target) ? target.entries : undefined;
  if (!map) throw new PickleError(`SETITEM on a non-dict at byte ${m.pos}`);
  for (let i = 0; i + 1 < items.length; i += 2) map.set(items[i], items[i + 1]);
}

function calls(m: PickleStack, op: number): boolean {
  switch (op) {
    case 0x63: {
      // GLOBAL
      const module = m.line();
      m.push({ kind: "global", module, name: m.line() });
      return true;
    }
    case 0x93: {
      // STACK_GLOBAL
      const name = m.pop();
      const module = m.pop();
      if (typeof module !== "string" || typeof name !== "string") {
        throw new PickleError(`STACK_GLOBAL without names at byte ${m.pos}`);
      }
      m.push({ kind: "global", module, name });
      return true;
    }
    case 0x52: {
      // REDUCE
      const args = m.pop();
      m.push(m.object(m.pop(), isPyTuple(args) ? args.items : []));
      return true;
    }
    case 0x81: {
      // NEWOBJ
      const args = m.pop();
      m.push(m.object(m.pop(), isPyTuple(args) ? args.items : []));
      return true;
    }
    case 0x92: {
      // NEWOBJ_EX
      m.pop();
      const args = m.pop();
      m.push(m.object(m.pop(), isPyTuple(args) ? args.items : []));
      return true;
    }
    case 0x62: {
      // BUILD
      const state = m.pop();
      const target = m.top();
      if (isPyObject(target)) target.state = state;
      return true;
    }
    case 0x6f: {
      // OBJ
      const items = m.popMark();
      m.push(m.object(items[0], items.slice(1)));
      return true;
    }
    case 0x69: {
      // INST
      const module = m.line();
      const name = m.line();
      m.push(m.object({ kind: "global", module, name }, m.popMark()));
      return true;
    }
    default:
      return false;
  }
}

function rawUnicodeEscape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u: string | undefined, big: string | undefined) => {
    const cp = Number.parseInt((u ?? big) as string, 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
  });
}
