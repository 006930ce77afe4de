/** Character-level scanner shared by the search filter and order_by parsers. */
import { invalidParam, type MwError } from "../../core/errors.js";

const WORD = /[\p{L}\p{N}_]+/uy;
const KEY_WORD = /[\p{L}\p{N}_.]+/uy;
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const TOKEN = /[\p{L}\p{N}_.]+|\S/uy;
const OPERATOR = /[<>!=]+/y;

/** A cursor over a filter or order_by string; errors name the input, the problem and the position. */
export class FilterScanner {
  pos = 0;

  constructor(
    readonly text: string,
    private readonly what: string,
  ) {}

  /** An INVALID_PARAMETER_VALUE error naming the input and a position in it. */
  error(problem: string, at = this.pos): MwError {
    return invalidParam(`Invalid ${this.what} '${this.text}': ${problem} at position ${at}`);
  }

  /** Throw {@link error}. */
  fail(problem: string, at = this.pos): never {
    throw this.error(problem, at);
  }

  /** Skip whitespace. */
  skipWs(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** True when only whitespace is left. */
  atEnd(): boolean {
    this.skipWs();
    return this.pos >= this.text.length;
  }

  /** The current character, or "" at the end. */
  peek(): string {
    return this.text[this.pos] ?? "";
  }

  /** The next token, quoted for messages ("end of input" at the end). */
  describeNext(): string {
    if (this.pos >= this.text.length) return "end of input";
    TOKEN.lastIndex = this.pos;
    return `'${TOKEN.exec(this.text)![0]}'`;
  }

  /** A run of letters, digits and underscores ("" when there is none). */
  readWord(): string {
    return this.readPattern(WORD) ?? "";
  }

  /** A run of letters, digits, underscores and dots: an unquoted key such as `mlflow.source.type`. */
  readKeyWord(): string {
    return this.readPattern(KEY_WORD) ?? "";
  }

  /** A run of comparison symbols such as `>=` ("" when there is none). */
  readOperator(): string {
    return this.readPattern(OPERATOR) ?? "";
  }

  /** A numeric literal, or undefined (position unchanged) when there is none. */
  readNumber(): number | undefined {
    const raw = this.readPattern(NUMBER);
    return raw === undefined ? undefined : Number(raw);
  }

  /**
   * A string quoted with the current character (', " or `). The quote is escaped by doubling it
   * (SQL style) or with a backslash; `\\` is one backslash. Any other backslash is kept as is.
   */
  readQuoted(): string {
    const start = this.pos;
    const quote = this.text[this.pos++]!;
    let out = "";
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      const next = this.text[this.pos + 1];
      if (c === quote && next === quote) {
        out += quote;
        this.pos += 2;
      } else if (c === quote) {
        this.pos++;
        return out;
      } else if (c === "\\" && (next === quote || next === "\\")) {
        out += next;
        this.pos += 2;
      } else {
        out += c;
        this.pos++;
      }
    }
    return this.fail(`unterminated ${quote} quote`, start);
  }

  private readPattern(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}
