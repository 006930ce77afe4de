/**
 * A small request-schema language with inferred TypeScript types. It follows protobuf JSON
 * rules the way MLflow clients send them (int64 as number or string, doubles as number or
 * "NaN"/"Infinity", booleans as true/false) and names the offending field in every error.
 */
import { invalidParam } from "./errors.js";

/** Where a value came from: a JSON body, or a query string (all strings, repeated keys). */
export type Source = "json" | "query";

/** A field parser. `Req` records whether the field is required. */
export abstract class Field<T, Req extends boolean = false> {
  protected isRequired = false;
  declare readonly _type: T;
  declare readonly _req: Req;

  /** Parse a present (non-undefined, non-null) value found at `key` under `parent`. */
  abstract parseValue(v: unknown, parent: Path, key: Key, src: Source): T;

  /** Mark the field as required: a missing value is an error naming it. */
  required(): Field<T, true> {
    const copy = Object.create(this) as Field<T, true>;
    (copy as unknown as { isRequired: boolean }).isRequired = true;
    return copy;
  }

  /** Parse a possibly missing value. */
  parse(v: unknown, parent: Path, key: Key, src: Source): T | undefined {
    if (v === undefined || v === null || (src === "query" && v === "" && !this.allowsEmpty())) {
      if (this.isRequired) throw missing(at(parent, key));
      return undefined;
    }
    return this.parseValue(v, parent, key, src);
  }

  protected allowsEmpty(): boolean {
    return false;
  }
}

/**
 * Where a value sits in the request. Built into a string only when an error is reported, so a
 * 1,000-item batch does not build 4,000 path strings on the happy path.
 */
export type Path = string | { parent: Path; key: string | number };

/** A field's name or index within its parent; undefined for the request itself. */
export type Key = string | number | undefined;

/** The path of `key` under `parent` (allocated only by containers and on errors). */
export function at(parent: Path, key: Key): Path {
  return key === undefined ? parent : { parent, key };
}

/** A path as text: `metrics[3].value`. */
export function pathText(p: Path): string {
  if (typeof p === "string") return p;
  const parent = pathText(p.parent);
  if (typeof p.key === "number") return `${parent}[${p.key}]`;
  return parent ? `${parent}.${p.key}` : p.key;
}

/** The error for a missing required field, worded like MLflow's. */
export function missing(path: Path) {
  return invalidParam(`Missing value for required parameter '${pathText(path)}'.`);
}

function describe(v: unknown): string {
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return "an array";
  if (v === null) return "null";
  return `${typeof v} ${typeof v === "object" ? "" : String(v)}`.trim();
}

/** The error for a value of the wrong type. */
export function badType(path: Path, expected: string, v: unknown) {
  return invalidParam(
    `Invalid value for parameter '${pathText(path) || "body"}': expected ${expected}, got ${describe(v)}.`,
  );
}

function scalar(v: unknown, src: Source): unknown {
  return src === "query" && Array.isArray(v) ? v[0] : v;
}

class StringField extends Field<string> {
  constructor(private readonly allowEmptyQuery = true) {
    super();
  }
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): string {
    const v = scalar(raw, src);
    if (typeof v !== "string") throw badType(at(parent, key), "a string", v);
    return v;
  }
  protected override allowsEmpty(): boolean {
    return this.allowEmptyQuery;
  }
}

class Int64Field extends Field<number> {
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): number {
    const v = scalar(raw, src);
    if (typeof v === "number" && Number.isSafeInteger(v)) return v;
    if (typeof v === "string" && /^-?\d{1,16}$/.test(v.trim())) {
      const n = Number(v.trim());
      if (Number.isSafeInteger(n)) return n;
    }
    throw badType(at(parent, key), "an integer", v);
  }
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };

class DoubleField extends Field<number> {
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): number {
    const v = scalar(raw, src);
    if (typeof v === "number") return v;
    if (typeof v === "string") {
      if (v in SPECIAL_DOUBLES) return SPECIAL_DOUBLES[v] as number;
      const t = v.trim();
      if (t !== "" && Number.isFinite(Number(t))) return Number(t);
    }
    throw badType(at(parent, key), "a number", v);
  }
}

class BoolField extends Field<boolean> {
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): boolean {
    const v = scalar(raw, src);
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    throw badType(at(parent, key), "true or false", v);
  }
}

class EnumField<E extends string> extends Field<E> {
  constructor(
    private readonly values: readonly E[],
    private readonly ignoreCase = false,
  ) {
    super();
  }
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): E {
    const v = scalar(raw, src);
    if (typeof v === "string") {
      if ((this.values as readonly string[]).includes(v)) return v as E;
      const lower = v.toLowerCase();
      const found = this.ignoreCase ? this.values.find((x) => x.toLowerCase() === lower) : undefined;
      if (found !== undefined) return found;
    }
    throw badType(at(parent, key), `one of ${this.values.join(", ")}`, v);
  }
}

class ArrayField<T> extends Field<T[]> {
  constructor(
    private readonly item: Field<T, boolean>,
    private readonly maxItems?: number,
  ) {
    super();
  }
  parseValue(raw: unknown, parent: Path, key: Key, src: Source): T[] {
    const path = at(parent, key);
    const v = src === "query" && !Array.isArray(raw) ? [raw] : raw;
    if (!Array.isArray(v)) throw badType(at(parent, key), "an array", v);
    if (this.maxItems !== undefined && v.length > this.maxItems) {
      throw invalidParam(`Parameter '${pathText(path)}' has ${v.length} items; at most ${this.maxItems} are allowed.`);
    }
    const out = new Array<T>(v.length);
    for (let i = 0; i < v.length; i++) {
      const parsed = this.item.parse(v[i], path, i, src);
      if (parsed === undefined) throw missing(at(path, i));
      out[i] = parsed;
    }
    return out;
  }
}

type Shape = Record<string, Field<unknown, boolean>>;

type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]["_req"] extends true ? K : never }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;

/** The parsed type of an object shape. */
export type InferShape<S extends Shape> = { [K in RequiredKeys<S>]: S[K]["_type"] } & {
  [K in OptionalKeys<S>]?: S[K]["_type"];
};

/** The parsed type of any field. */
export type Infer<F> = F extends Field<infer T, boolean> ? T : never;

class ObjectField<S extends Shape> extends Field<InferShape<S>> {
  private readonly keys: string[];
  constructor(readonly shape: S) {
    super();
    this.keys = Object.keys(shape);
  }
  parseValue(v: unknown, parent: Path, key: Key, src: Source): InferShape<S> {
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw badType(at(parent, key), "an object", v);
    const path = at(parent, key);
    // Parsed in place: the request's own objects are reused (no copy of a 1,000-item batch);
    // unknown fields stay on them unread, as protobuf ignores them.
    const rec = v as Record<string, unknown>;
    for (const k of this.keys) {
      const raw = rec[k];
      const parsed = (this.shape[k] as Field<unknown, boolean>).parse(raw, path, k, src);
      if (parsed !== raw) {
        if (parsed === undefined) delete rec[k];
        else rec[k] = parsed;
      }
    }
    return rec as InferShape<S>;
  }
}

/** A field that accepts any JSON value unchanged. */
class AnyField extends Field<unknown> {
  parseValue(v: unknown): unknown {
    return v;
  }
}

/** Field constructors. */
export const s = {
  string: () => new StringField(),
  int64: () => new Int64Field(),
  double: () => new DoubleField(),
  bool: () => new BoolField(),
  /** One of `values`; with `ignoreCase`, any spelling case is accepted and parsed as the listed one. */
  enum: <E extends string>(values: readonly E[], options: { ignoreCase?: boolean } = {}) =>
    new EnumField(values, options.ignoreCase),
  array: <T>(item: Field<T, boolean>, maxItems?: number) => new ArrayField(item, maxItems),
  object: <S extends Shape>(shape: S) => new ObjectField(shape),
  any: () => new AnyField(),
};

export type ObjectSchema<S extends Shape = Shape> = ObjectField<S>;

/** Parse a request's fields (a body object or a query map) against an object schema. */
export function parseRequest<S extends Shape>(schema: ObjectField<S>, v: unknown, src: Source): InferShape<S> {
  return schema.parseValue(v ?? {}, "", undefined, src);
}
