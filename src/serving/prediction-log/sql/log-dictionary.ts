/**
 * A deployment's dictionary: the strings its rows refer to by code (categories, labels, input-name
 * lists). Codes are never reused or changed, so a copy in memory only ever needs the newer codes
 * added. New strings are capped, so a column of ids or free text cannot fill it: past
 * {@link MAX_NEW_PER_COLUMN} new strings from one column (per process) or {@link MAX_STRINGS} in
 * all, strings are kept inline in their rows instead.
 */
import type { DecodeDictionary } from "../encoding/row-data.js";

export const MAX_STRINGS = 100_000;
export const MAX_NEW_PER_COLUMN = 1_000;

/** The column name new-string budgets use for labels (not an input name: it starts with NUL). */
export const LABEL_COLUMN = "\u0000label";

/** One deployment's dictionary as far as this process has read it. */
export class DeploymentDictionary implements DecodeDictionary {
  private readonly codes = new Map<string, number>();
  private readonly texts: (string | undefined)[] = [];
  private readonly jsons: (string | undefined)[] = [];
  private readonly schemas = new Map<number, { names: readonly string[]; keys: readonly string[] }>();
  private readonly added = new Map<string, number>();
  /** The highest code read so far (-1: none). */
  maxCode = -1;

  get size(): number {
    return this.codes.size;
  }

  /** Record stored codes (from the database). */
  learn(rows: readonly { code: number; value: string }[]): void {
    for (const { code, value } of rows) {
      this.codes.set(value, code);
      this.texts[code] = value;
      if (code > this.maxCode) this.maxCode = code;
    }
  }

  codeOf(s: string): number | undefined {
    return this.codes.get(s);
  }

  has(code: number): boolean {
    return this.texts[code] !== undefined;
  }

  /**
   * Whether `s` (a value of `column`) should have a code: it has one, or the budgets allow a new
   * one (which this call then counts).
   */
  wants(column: string, s: string): boolean {
    if (this.codes.has(s)) return true;
    if (this.codes.size >= MAX_STRINGS) return false;
    const n = this.added.get(column) ?? 0;
    if (n >= MAX_NEW_PER_COLUMN) return false;
    this.added.set(column, n + 1);
    return true;
  }

  text(code: number): string {
    const s = this.texts[code];
    if (s === undefined) throw new MissingCode(code);
    return s;
  }

  json(code: number): string {
    let j = this.jsons[code];
    if (j === undefined) {
      j = JSON.stringify(this.text(code));
      this.jsons[code] = j;
    }
    return j;
  }

  schema(code: number): { names: readonly string[]; keys: readonly string[] } {
    let s = this.schemas.get(code);
    if (!s) {
      const names = JSON.parse(this.text(code)) as string[];
      s = { names, keys: names.map((n) => `${JSON.stringify(n)}:`) };
      this.schemas.set(code, s);
    }
    return s;
  }
}

/** A code this process has not read yet (another writer added it): read the dictionary again. */
export class MissingCode extends Error {
  constructor(readonly code: number) {
    super(`log dictionary code ${code} is not known here`);
  }
}
