/**
 * A hand-written parser for MLflow search filters (`metrics.auc > 0.9 AND params.lr = '0.01'`)
 * and order_by items (`metrics.auc DESC`), validated against one resource's grammar.
 */
import { FilterScanner } from "./filter-scanner.js";
import type { ClauseType, Comparator, FieldSpec, SearchGrammar } from "./search-grammars.js";

export type { ClauseType, Comparator, FieldSpec, SearchGrammar, ValueKind } from "./search-grammars.js";
export { EXPERIMENT_GRAMMAR, MODEL_VERSION_GRAMMAR, REGISTERED_MODEL_GRAMMAR, RUN_GRAMMAR } from "./search-grammars.js";

/** One validated comparison; `key` is canonical (aliases such as `created` are resolved). */
export interface Clause {
  type: ClauseType;
  key: string;
  comparator: Comparator;
  value: string | number | string[];
}

/** One validated order_by item. */
export interface OrderKey {
  type: ClauseType;
  key: string;
  ascending: boolean;
}

interface Identifier {
  /** The entity-type prefix as written, or undefined for a bare identifier. */
  prefix?: string;
  key: string;
  at: number;
}

type Value = { kind: "string"; value: string } | { kind: "number"; value: number } | { kind: "list"; value: string[] };

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "LIKE", "ILIKE"]);
const SYMBOLS = new Set(["=", "!=", ">", ">=", "<", "<="]);
const ALL_COMPARATORS = "=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN";

/**
 * Parse a filter into clauses; an empty or absent filter gives none. Comparisons are joined by
 * AND; as in MLflow (which drops every AND token of the statement), extra ANDs before, between
 * or after the comparisons are ignored, so `metrics.auc > 0.8 and` is one clause and `and` none.
 */
export function parseSearchFilter(filter: string | undefined, grammar: SearchGrammar): Clause[] {
  if (filter === undefined) return [];
  const s = new FilterScanner(filter, "filter");
  const clauses: Clause[] = [];
  skipAnds(s);
  while (!s.atEnd()) {
    clauses.push(readClause(s, grammar));
    if (s.atEnd()) break;
    const at = s.pos;
    // Stricter than MLflow here: two comparisons with no AND between them are an error, not an AND.
    if (skipAnds(s) === 0) {
      const word = s.readWord().toUpperCase();
      if (word === "OR") s.fail("OR is not supported, comparisons can only be joined with AND", at);
      s.fail(`expected AND, found ${describeAt(s, at)}`, at);
    }
  }
  return clauses;
}

/** Consume any run of AND keywords (any case); returns how many. */
function skipAnds(s: FilterScanner): number {
  let n = 0;
  for (;;) {
    s.skipWs();
    const at = s.pos;
    if (s.readWord().toUpperCase() === "AND" && s.peek() !== ".") {
      n++;
      continue;
    }
    s.pos = at;
    return n;
  }
}

/** Parse order_by items such as `metrics.auc DESC`, `params.lr` or `start_time ASC`. */
export function parseOrderBy(items: readonly string[], grammar: SearchGrammar): OrderKey[] {
  return items.map((item) => {
    const s = new FilterScanner(item, "order_by clause");
    s.skipWs();
    const ident = readIdentifier(s);
    let ascending = true;
    if (!s.atEnd()) {
      const at = s.pos;
      const direction = s.readWord().toUpperCase();
      if (direction !== "ASC" && direction !== "DESC") {
        s.fail(`invalid direction ${describeAt(s, at)}, expected ASC or DESC`, at);
      }
      ascending = direction === "ASC";
      if (!s.atEnd()) s.fail(`unexpected ${s.describeNext()} after the direction`);
    }
    const type = resolveType(s, ident, grammar);
    if (!grammar.orderTypes.includes(type)) s.fail(`${grammar.resource} cannot be ordered by ${type}s`, ident.at);
    if (type !== "attribute") return { type, key: ident.key, ascending };
    const key = lookup(grammar.orderAttributes, ident.key);
    if (key !== undefined) return { type, key, ascending };
    const valid = Object.keys(grammar.orderAttributes).join(", ");
    return s.fail(`invalid order_by key '${ident.key}' for ${grammar.resource} (valid keys: ${valid})`, ident.at);
  });
}

function readClause(s: FilterScanner, grammar: SearchGrammar): Clause {
  s.skipWs();
  if (s.peek() === "(") s.fail("parentheses are not supported, write comparisons joined by AND");
  const ident = readIdentifier(s);
  s.skipWs();
  const comparatorAt = s.pos;
  const comparator = readComparator(s);
  s.skipWs();
  const valueAt = s.pos;
  const value = readValue(s);
  const type = resolveType(s, ident, grammar);
  const spec = resolveField(s, ident, type, grammar);
  checkValue(s, { type, key: ident.key, spec, value, comparator, comparatorAt, valueAt }, grammar);
  return { type, key: spec.key ?? ident.key, comparator, value: value.value };
}

/** `<type>.<key>` split at the first dot, or a bare attribute; either part may be quoted. */
function readIdentifier(s: FilterScanner): Identifier {
  const at = s.pos;
  const c = s.peek();
  const quoted = c === "`" || c === '"';
  const first = quoted ? s.readQuoted() : s.readWord();
  if (s.peek() !== ".") {
    if (!quoted && first === "") s.fail(`expected an identifier, found ${s.describeNext()}`);
    if (!quoted && KEYWORDS.has(first.toUpperCase())) s.fail(`unexpected keyword '${first}'`, at);
    if (first === "") s.fail("empty key", at);
    return { key: first, at };
  }
  // MLflow trims backticks from the entity type but not double quotes.
  const prefix = c === '"' ? `"${first}"` : first;
  s.pos++;
  const keyAt = s.pos;
  const k = s.peek();
  const key = k === "`" || k === '"' ? s.readQuoted() : s.readKeyWord();
  if (key === "") s.fail(`empty key after '${prefix}.'`, keyAt);
  return { prefix, key, at };
}

function readComparator(s: FilterScanner): Comparator {
  const at = s.pos;
  const op = s.readOperator();
  if (op !== "") {
    if (!SYMBOLS.has(op)) s.fail(`unsupported comparator '${op}' (expected one of ${ALL_COMPARATORS})`, at);
    return op as Comparator;
  }
  const word = s.readWord().toUpperCase();
  if (word === "LIKE" || word === "ILIKE" || word === "IN") return word;
  if (word === "NOT") {
    s.skipWs();
    if (s.readWord().toUpperCase() === "IN") return "NOT IN";
    s.fail("NOT is only supported as NOT IN", at);
  }
  return s.fail(`expected a comparator (${ALL_COMPARATORS}), found ${describeAt(s, at)}`, at);
}

function readValue(s: FilterScanner): Value {
  const c = s.peek();
  if (c === "'" || c === '"') return { kind: "string", value: s.readQuoted() };
  if (c === "(") return { kind: "list", value: readList(s) };
  const n = s.readNumber();
  if (n !== undefined) return { kind: "number", value: n };
  if (c === "`") s.fail("backticks quote keys, not values; quote strings with ' or \"");
  return s.fail(`expected a quoted string, a number or a list, found ${s.describeNext()}`);
}

/** `('a', "b")`: a non-empty list of quoted strings. */
function readList(s: FilterScanner): string[] {
  const open = s.pos++;
  const items: string[] = [];
  for (;;) {
    s.skipWs();
    const c = s.peek();
    if (c === ")" && items.length === 0) s.fail("empty list, expected at least one quoted string");
    if (c !== "'" && c !== '"') s.fail(`expected a quoted string in the list, found ${s.describeNext()}`);
    items.push(s.readQuoted());
    s.skipWs();
    const sep = s.peek();
    s.pos++;
    if (sep === ")") return items;
    if (sep === "") s.fail("unterminated list", open);
    if (sep !== ",") s.fail(`expected ',' or ')' in the list, found '${sep}'`, s.pos - 1);
  }
}

function resolveType(s: FilterScanner, ident: Identifier, grammar: SearchGrammar): ClauseType {
  if (ident.prefix === undefined) return "attribute";
  const prefix = ident.prefix.length > 1 && ident.prefix.startsWith("`") ? ident.prefix.slice(1, -1) : ident.prefix;
  const type = lookup(grammar.entityTypes, prefix);
  if (type === undefined) {
    const valid = Object.keys(grammar.entityTypes).join(", ");
    s.fail(`invalid entity type '${prefix}' for ${grammar.resource} (valid: ${valid})`, ident.at);
  }
  return type;
}

function resolveField(s: FilterScanner, ident: Identifier, type: ClauseType, grammar: SearchGrammar): FieldSpec {
  const anyKey = grammar.anyKey[type];
  if (anyKey) return anyKey;
  const keys = grammar.fixedKeys[type] ?? {};
  const spec = lookup(keys, ident.key);
  if (spec === undefined) {
    const valid = Object.keys(keys).join(", ");
    s.fail(`invalid ${type} key '${ident.key}' for ${grammar.resource} (valid keys: ${valid})`, ident.at);
  }
  return spec;
}

interface Comparison {
  type: ClauseType;
  key: string;
  spec: FieldSpec;
  value: Value;
  comparator: Comparator;
  comparatorAt: number;
  valueAt: number;
}

function checkValue(s: FilterScanner, c: Comparison, grammar: SearchGrammar): void {
  const what = `${c.type} '${c.key}'`;
  if (c.value.kind === "list" && !c.spec.list) s.fail(listNotAllowed(c, grammar), c.valueAt);
  if (!c.spec.comparators.includes(c.comparator)) {
    s.fail(
      `invalid comparator '${c.comparator}' for ${what} (expected one of ${c.spec.comparators.join(", ")})`,
      c.comparatorAt,
    );
  }
  const isList = c.comparator === "IN" || c.comparator === "NOT IN";
  if (isList && c.value.kind !== "list") s.fail(`${c.comparator} expects a list such as ('a', 'b')`, c.valueAt);
  if (!isList && c.value.kind === "list") s.fail(`a list can only be compared with IN or NOT IN`, c.valueAt);
  if (c.spec.value === "string" && c.value.kind === "number") {
    s.fail(`expected a quoted string value for ${what}, found ${c.value.value}`, c.valueAt);
  }
  if (c.spec.value !== "string" && c.value.kind !== "number") {
    s.fail(`expected a numeric value for ${what}, found '${c.value.value}'`, c.valueAt);
  }
  if (c.spec.value === "integer" && !Number.isSafeInteger(c.value.value)) {
    s.fail(`expected an integer value for ${what}, found ${c.value.value}`, c.valueAt);
  }
  if (c.spec.value === "number" && !Number.isFinite(c.value.value)) {
    s.fail(`numeric value out of range for ${what}`, c.valueAt);
  }
}

function listNotAllowed(c: Comparison, grammar: SearchGrammar): string {
  if (c.spec.value !== "string") return `expected a numeric value for ${c.type} '${c.key}', found a list`;
  const listKeys = Object.entries(grammar.fixedKeys.attribute ?? {}).filter(([, spec]) => spec.list);
  if (c.type === "attribute" && listKeys.length > 0) {
    const names = listKeys.map(([k]) => `'${k}'`).join(", ");
    return `only the ${names} attribute supports comparison with a list of quoted string values, not '${c.key}'`;
  }
  return `${c.type} '${c.key}' does not support comparison with a list`;
}

function describeAt(s: FilterScanner, at: number): string {
  s.pos = at;
  return s.describeNext();
}

function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
