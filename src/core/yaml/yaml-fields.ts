/**
 * Reading a parsed YAML document field by field, so every problem names its line and field path
 * (`churn.yaml:14: steps[2].retries.limit: ...`). Problems are collected, not thrown one by one.
 */
import type { Document, LineCounter, Node } from "yaml";
import { isMap, isPair, isScalar, isSeq } from "yaml";

/** A field path: keys and sequence indexes. */
export type FieldPath = readonly (string | number)[];

/** `steps[2].retries.limit` */
export function formatPath(path: FieldPath): string {
  let s = "";
  for (const part of path) s += typeof part === "number" ? `[${part}]` : s ? `.${part}` : part;
  return s || "(top level)";
}

/** Collects problems against one document. */
export class FieldReader {
  readonly problems: string[] = [];

  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** The 1-based line of a field (its key when it has one), or of the nearest parent that exists. */
  lineOf(path: FieldPath): number {
    let node: unknown = this.doc.contents;
    let offset = (node as Node | null)?.range?.[0] ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === part);
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof part === "number") {
        node = node.items[part];
        if (!node) break;
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    return this.lines.linePos(offset).line;
  }

  /** Record a problem at a field. */
  fail(path: FieldPath, message: string): undefined {
    this.problems.push(`${this.file}:${this.lineOf(path)}: ${formatPath(path)}: ${message}`);
    return undefined;
  }

  /** Refuse keys outside `allowed`. */
  knownKeys(path: FieldPath, value: Record<string, unknown>, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail([...path, key], `unknown key (expected one of ${allowed.join(", ")})`);
    }
  }

  object(path: FieldPath, value: unknown): Record<string, unknown> | undefined {
    if (isPlainObject(value)) return value;
    return this.fail(path, `expected a mapping, got ${describe(value)}`);
  }

  string(path: FieldPath, value: unknown, pattern?: { re: RegExp; what: string }): string | undefined {
    if (typeof value !== "string" || value === "")
      return this.fail(path, `expected a non-empty string, got ${describe(value)}`);
    if (pattern && !pattern.re.test(value)) return this.fail(path, `expected ${pattern.what}, got '${value}'`);
    return value;
  }

  optionalString(path: FieldPath, value: unknown): string | undefined {
    return value === undefined ? undefined : this.string(path, value);
  }

  stringList(path: FieldPath, value: unknown): string[] {
    if (value === undefined) return [];
    const list = typeof value === "string" ? [value] : value;
    if (!Array.isArray(list)) return this.fail(path, `expected a list of strings, got ${describe(value)}`) ?? [];
    const out: string[] = [];
    list.forEach((item, i) => {
      // Numbers in a command line (`[sleep, 1]`) are meant as text.
      const text = typeof item === "number" || typeof item === "boolean" ? String(item) : item;
      const s = this.string([...path, i], text);
      if (s !== undefined) out.push(s);
    });
    return out;
  }

  wholeNumber(path: FieldPath, value: unknown, min: number, max: number, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      return this.fail(path, `expected a whole number from ${min} to ${max}, got ${describe(value)}`) ?? fallback;
    }
    return value;
  }

  number(path: FieldPath, value: unknown, min: number, max: number, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      return this.fail(path, `expected a number from ${min} to ${max}, got ${describe(value)}`) ?? fallback;
    }
    return value;
  }

  boolean(path: FieldPath, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean")
      return this.fail(path, `expected true or false, got ${describe(value)}`) ?? fallback;
    return value;
  }

  /** A duration such as `30s`, `5m` or `1h` (a bare number is seconds), in milliseconds. */
  duration(path: FieldPath, value: unknown, fallback: number, parse: (text: string) => number): number {
    if (value === undefined) return fallback;
    if (typeof value !== "string" && typeof value !== "number") {
      return this.fail(path, `expected a duration such as 30s or 5m, got ${describe(value)}`) ?? fallback;
    }
    try {
      return parse(String(value));
    } catch {
      return this.fail(path, `expected a duration such as 500ms, 30s or 5m, got '${value}'`) ?? fallback;
    }
  }

  oneOf<T extends string>(path: FieldPath, value: unknown, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      return this.fail(path, `expected one of ${allowed.join(", ")}, got ${describe(value)}`) ?? fallback;
    }
    return value as T;
  }
}

/** True for a mapping (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value as it appears in a message. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `'${value}'`;
  return String(value);
}
