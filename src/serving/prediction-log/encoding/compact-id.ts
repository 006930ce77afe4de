/**
 * Request and feedback ids as stored: a canonical lower-case UUID (what the server generates) as
 * its 16 bytes, anything else as a zero byte then its UTF-8 text. A UUID whose first byte is zero
 * takes the text form too, so the first byte tells the forms apart. UUIDs compare as their text
 * does, so the log's key order is the ids' order.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * How far a request's logged time may be from the time in its UUIDv7 id for the id alone to find
 * it: the server stamps both when the request arrives; the margin covers queueing and clock steps.
 */
export const ID_TIME_SLACK_MS = 10 * 60_000;

/** The value of a lower-case hex digit's char code, else -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  return c >= 97 && c <= 102 ? c - 87 : -1;
}

/**
 * True for a canonical lower-case UUID (8-4-4-4-12 hex digits). A scan of char codes: the writer
 * thread asks this for every logged row, where a regular expression cost about 5 % of its time.
 */
function isCanonicalUuid(id: string): boolean {
  if (id.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = id.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (hexDigit(c) < 0) return false;
  }
  return true;
}

/** The millisecond time in a UUID version 7 id (what the server makes), else undefined. */
export function uuidV7Time(id: string): number | undefined {
  if (id.length !== 36 || id[14] !== "7" || !isCanonicalUuid(id)) return undefined;
  let t = 0;
  for (let i = 0; i < 13; i++) if (i !== 8) t = t * 16 + hexDigit(id.charCodeAt(i));
  return t;
}

/** True when the id's own time finds the request logged at `time` (see {@link ID_TIME_SLACK_MS}). */
export function idFindsTime(id: string, time: number): boolean {
  const t = uuidV7Time(id);
  return t !== undefined && Math.abs(t - time) <= ID_TIME_SLACK_MS;
}

/** The stored bytes of an id. */
export function encodeId(id: string): Buffer {
  if (isCanonicalUuid(id) && !id.startsWith("00")) {
    const out = Buffer.allocUnsafe(16);
    let j = 0;
    for (let i = 0; i < 36; i += 2) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++;
      out[j++] = hexDigit(id.charCodeAt(i)) * 16 + hexDigit(id.charCodeAt(i + 1));
    }
    return out;
  }
  const out = Buffer.allocUnsafe(1 + Buffer.byteLength(id, "utf8"));
  out[0] = 0;
  out.write(id, 1, "utf8");
  return out;
}

/** The id stored as `bytes`. */
export function decodeId(bytes: Uint8Array): string {
  if (bytes.length === 16 && bytes[0] !== 0) {
    let s = "";
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
      s += HEX[bytes[i] as number];
    }
    return s;
  }
  if (bytes[0] !== 0) throw new RangeError("malformed stored id");
  return Buffer.from(bytes.buffer, bytes.byteOffset + 1, bytes.length - 1).toString("utf8");
}

/**
 * A 48-bit hash of a routing key (two FNV-1a passes over its UTF-16 units): the key index stores
 * it instead of the text. Keys that collide only cost a look at the other key's rows.
 */
export function keyHash(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (i & 0xff), 0x01000193);
  }
  return (a >>> 16) * 2 ** 32 + (b >>> 0);
}
