/**
 * An OpenAPI v2 (Swagger 2.0) JSON document in the protobuf form a Kubernetes API server answers
 * `GET /openapi/v2` with (`Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, the
 * `openapi.v2.Document` message of the gnostic schema): kubectl reads only that form. Written here
 * from the message definitions (field numbers), covering what kubectl's schema validation reads:
 * the document's version and info, and every definition with all of its JSON Schema fields and
 * vendor extensions (`x-kubernetes-group-version-kind` names the kind a definition validates).
 * Paths (operations) are left out: kubectl reads them only to ask whether the server validates
 * fields itself (see fake-kube-api.ts).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Protobuf bytes built field by field (proto3: default values are left out). */
class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number): void {
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, value: string | undefined): this {
    if (value === undefined || value === "") return this;
    return this.bytes(field, Buffer.from(value, "utf8"));
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  message(field: number, value: Message | undefined): this {
    return value ? this.bytes(field, value.finish()) : this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.key(field, 0);
    this.varint(1);
    return this;
  }

  int64(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`int64 field ${field}: ${value}`);
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.key(field, 1);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.size);
  }
}

/** gnostic `Any`: a JSON value carried as YAML text (JSON is YAML). */
function anyValue(value: Json): Message {
  return new Message().string(2, JSON.stringify(value));
}

/** The `x-...` keys of an object as gnostic `NamedAny` entries. */
function vendorExtensions(m: Message, field: number, obj: JsonObject): void {
  for (const [name, value] of Object.entries(obj))
    if (name.startsWith("x-")) m.message(field, new Message().string(1, name).message(2, anyValue(value)));
}

const SCHEMA_KEYS = new Set([
  "$ref",
  "format",
  "title",
  "description",
  "default",
  "multipleOf",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "enum",
  "additionalProperties",
  "type",
  "items",
  "allOf",
  "properties",
  "discriminator",
  "readOnly",
  "externalDocs",
  "example",
]);

const num = (v: Json | undefined) => (typeof v === "number" ? v : undefined);
const str = (v: Json | undefined) => (typeof v === "string" ? v : undefined);
const isObject = (v: Json | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** gnostic `Schema` (field numbers of openapi.v2.Schema). */
export function schemaMessage(s: JsonObject): Message {
  for (const k of Object.keys(s))
    if (!SCHEMA_KEYS.has(k) && !k.startsWith("x-")) throw new Error(`schema key not encoded: ${k}`);
  const m = new Message()
    .string(1, str(s.$ref))
    .string(2, str(s.format))
    .string(3, str(s.title))
    .string(4, str(s.description));
  if (s.default !== undefined) m.message(5, anyValue(s.default));
  m.double(6, num(s.multipleOf))
    .double(7, num(s.maximum))
    .bool(8, s.exclusiveMaximum === true)
    .double(9, num(s.minimum))
    .bool(10, s.exclusiveMinimum === true)
    .int64(11, num(s.maxLength))
    .int64(12, num(s.minLength))
    .string(13, str(s.pattern))
    .int64(14, num(s.maxItems))
    .int64(15, num(s.minItems))
    .bool(16, s.uniqueItems === true)
    .int64(17, num(s.maxProperties))
    .int64(18, num(s.minProperties));
  for (const r of Array.isArray(s.required) ? s.required : []) m.string(19, String(r));
  for (const e of Array.isArray(s.enum) ? s.enum : []) m.message(20, anyValue(e));
  const extra = s.additionalProperties;
  if (typeof extra === "boolean") m.message(21, new Message().bool(2, extra));
  else if (isObject(extra)) m.message(21, new Message().message(1, schemaMessage(extra)));
  if (s.type !== undefined) {
    const t = new Message();
    for (const v of Array.isArray(s.type) ? s.type : [s.type]) t.string(1, String(v));
    m.message(22, t);
  }
  if (s.items !== undefined) {
    const items = new Message();
    for (const i of Array.isArray(s.items) ? s.items : [s.items]) if (isObject(i)) items.message(1, schemaMessage(i));
    m.message(23, items);
  }
  for (const a of Array.isArray(s.allOf) ? s.allOf : []) if (isObject(a)) m.message(24, schemaMessage(a));
  if (isObject(s.properties)) m.message(25, namedSchemas(s.properties));
  m.string(26, str(s.discriminator)).bool(27, s.readOnly === true);
  if (isObject(s.externalDocs))
    m.message(29, new Message().string(1, str(s.externalDocs.description)).string(2, str(s.externalDocs.url)));
  if (s.example !== undefined) m.message(30, anyValue(s.example));
  vendorExtensions(m, 31, s);
  return m;
}

/** A map of schemas as gnostic `Properties`/`Definitions` (repeated NamedSchema, field 1). */
function namedSchemas(map: JsonObject): Message {
  const m = new Message();
  for (const [name, schema] of Object.entries(map)) {
    if (!isObject(schema)) throw new Error(`schema ${name} is not an object`);
    m.message(1, new Message().string(1, name).message(2, schemaMessage(schema)));
  }
  return m;
}

/** The protobuf `openapi.v2.Document` of a Swagger 2.0 JSON document (its definitions, no paths). */
export function openApiV2Protobuf(doc: JsonObject): Uint8Array {
  const info = isObject(doc.info) ? doc.info : {};
  const m = new Message()
    .string(1, str(doc.swagger))
    .message(2, new Message().string(1, str(info.title)).string(2, str(info.version)));
  if (isObject(doc.definitions)) m.message(9, namedSchemas(doc.definitions));
  return m.finish();
}
