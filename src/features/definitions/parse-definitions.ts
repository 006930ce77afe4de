/**
 * Parse feature definition files (YAML) into located objects: each keeps its file and field path,
 * so the checks that span files (references, duplicates, dataset columns) can name `file:line: path`.
 * Problems are collected, never thrown one by one.
 */
import { LineCounter, parseDocument } from "yaml";
import { parseDuration } from "../../core/duration.js";
import type { FieldPath } from "../../core/yaml/yaml-fields.js";
import { describe, FieldReader } from "../../core/yaml/yaml-fields.js";
import { isValidDatasetName } from "../../data/versions/dataset-store.js";
import type {
  EntitySpec,
  FeatureServiceSpec,
  FeatureSpec,
  FeatureViewSpec,
  JoinKey,
  SourceSpec,
  ValueType,
} from "./feature-spec.js";
import { VALUE_TYPE_NAMES, valueTypeOf } from "./value-types.js";

/** One definition file as given: the label used in messages, and its text. */
export interface DefinitionFile {
  path: string;
  text: string;
}

/** An object with where it was declared. */
export interface Located<T> {
  spec: T;
  reader: FieldReader;
  path: FieldPath;
}

/** Every object of every file, and the files' own problems. */
export interface ParsedFiles {
  entities: Located<EntitySpec>[];
  sources: Located<SourceSpec>[];
  feature_views: Located<FeatureViewSpec>[];
  feature_services: Located<FeatureServiceSpec>[];
  /** Per file, in order: its reader (problems collect there) or a syntax error. */
  files: ({ reader: FieldReader } | { syntax: string })[];
}

const TOP_KEYS = ["entities", "sources", "feature_views", "feature_services"];
/** Object names: they appear in references (`view:feature`) and full column names (`view__feature`). */
export const OBJECT_NAME = { re: /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, what: "a name of letters, digits, '_' and '-'" };
const COLUMN = { re: /^[^:]{1,200}$/, what: "a column name without ':'" };

/** Parse every file; problems stay in the result (see {@link problemsOf}). */
export function parseDefinitionFiles(files: readonly DefinitionFile[]): ParsedFiles {
  const out: ParsedFiles = { entities: [], sources: [], feature_views: [], feature_services: [], files: [] };
  for (const f of files) {
    const lines = new LineCounter();
    const doc = parseDocument(f.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = e?.linePos?.[0]?.line ?? 1;
      out.files.push({ syntax: `${f.path}:${line}: not valid YAML: ${e?.message.split("\n")[0]}` });
      continue;
    }
    const r = new FieldReader(f.path, doc, lines);
    out.files.push({ reader: r });
    readFile(r, doc.toJS({ maxAliasCount: 100 }), out);
  }
  return out;
}

/** Every problem found so far, file by file, by line within a file. */
export function problemsOf(parsed: ParsedFiles): string[] {
  const line = (p: string) => Number(/^[^\n]*?:(\d+): /.exec(p)?.[1] ?? 0);
  return parsed.files.flatMap((f) =>
    "syntax" in f ? [f.syntax] : [...f.reader.problems].sort((a, b) => line(a) - line(b)),
  );
}

function readFile(r: FieldReader, raw: unknown, out: ParsedFiles): void {
  if (raw === null || raw === undefined) {
    r.fail([], `empty file (expected ${TOP_KEYS.join(", ")})`);
    return;
  }
  const top = r.object([], raw);
  if (!top) return;
  r.knownKeys([], top, TOP_KEYS);
  readList(r, "entities", top.entities, readEntity, out.entities);
  readList(r, "sources", top.sources, readSource, out.sources);
  readList(r, "feature_views", top.feature_views, readView, out.feature_views);
  readList(r, "feature_services", top.feature_services, readService, out.feature_services);
}

function readList<T>(
  r: FieldReader,
  key: string,
  value: unknown,
  read: (r: FieldReader, path: FieldPath, o: Record<string, unknown>) => T,
  into: Located<T>[],
): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    r.fail([key], "expected a list");
    return;
  }
  value.forEach((item, i) => {
    const path = [key, i];
    const o = r.object(path, item);
    if (o) into.push({ spec: read(r, path, o), reader: r, path });
  });
}

function readEntity(r: FieldReader, path: FieldPath, o: Record<string, unknown>): EntitySpec {
  r.knownKeys(path, o, ["name", "join_keys", "description", "tags"]);
  const keysPath = [...path, "join_keys"];
  const join_keys: JoinKey[] = [];
  if (o.join_keys === undefined) r.fail(keysPath, "missing (expected a mapping of key columns to types, e.g. id: int)");
  else {
    const keys = r.object(keysPath, o.join_keys) ?? {};
    if (o.join_keys !== null && Object.keys(keys).length === 0) r.fail(keysPath, "expected at least one join key");
    for (const [name, type] of Object.entries(keys)) {
      const col = r.string([...keysPath, name], name, COLUMN) ?? name;
      join_keys.push({ name: col, type: readType(r, [...keysPath, name], type) });
    }
  }
  return { name: readName(r, path, o), join_keys, ...common(r, path, o) };
}

function readSource(r: FieldReader, path: FieldPath, o: Record<string, unknown>): SourceSpec {
  r.knownKeys(path, o, ["name", "dataset", "timestamp_field", "created_timestamp_column", "description", "tags"]);
  const ref = r.string([...path, "dataset"], o.dataset) ?? "";
  const at = ref.lastIndexOf("@");
  const dataset = at < 0 ? ref : ref.slice(0, at);
  const versionText = at < 0 ? undefined : ref.slice(at + 1);
  let version: number | undefined;
  if (ref && !isValidDatasetName(dataset))
    r.fail([...path, "dataset"], `expected a dataset name or NAME@VERSION, got '${ref}'`);
  else if (versionText !== undefined && versionText !== "latest") {
    if (/^\d{1,9}$/.test(versionText) && Number(versionText) >= 1) version = Number(versionText);
    else r.fail([...path, "dataset"], `expected NAME@VERSION with a positive version, got '${ref}'`);
  }
  const timestamp_field = r.string([...path, "timestamp_field"], o.timestamp_field, COLUMN) ?? "";
  const created =
    o.created_timestamp_column === undefined
      ? undefined
      : r.string([...path, "created_timestamp_column"], o.created_timestamp_column, COLUMN);
  if (created !== undefined && created === timestamp_field)
    r.fail([...path, "created_timestamp_column"], "must differ from timestamp_field");
  return {
    name: readName(r, path, o),
    dataset,
    ...(version !== undefined ? { version } : {}),
    timestamp_field,
    ...(created !== undefined ? { created_timestamp_column: created } : {}),
    ...common(r, path, o),
  };
}

function readView(r: FieldReader, path: FieldPath, o: Record<string, unknown>): FeatureViewSpec {
  r.knownKeys(path, o, ["name", "entities", "source", "features", "ttl", "online", "tags", "description"]);
  const entities = r.stringList([...path, "entities"], o.entities);
  const source = r.string([...path, "source"], o.source) ?? "";
  const featuresPath = [...path, "features"];
  const features: FeatureSpec[] = [];
  if (o.features === undefined) r.fail(featuresPath, "missing (expected a mapping of feature columns to types)");
  else {
    const given = r.object(featuresPath, o.features) ?? {};
    if (o.features !== null && Object.keys(given).length === 0) r.fail(featuresPath, "expected at least one feature");
    for (const [name, value] of Object.entries(given)) features.push(readFeature(r, [...featuresPath, name], value));
  }
  const ttl_ms = r.duration([...path, "ttl"], o.ttl, 0, (t) => parseDuration("ttl", t));
  return {
    name: readName(r, path, o),
    entities,
    source,
    features,
    ttl_ms,
    online: r.boolean([...path, "online"], o.online, true),
    ...common(r, path, o),
  };
}

/** `name: type` or `name: {type, description}`. */
function readFeature(r: FieldReader, path: FieldPath, value: unknown): FeatureSpec {
  const name = String(path[path.length - 1]);
  r.string(path, name, COLUMN);
  if (typeof value !== "object" || value === null) return { name, type: readType(r, path, value) };
  const o = r.object(path, value) ?? {};
  r.knownKeys(path, o, ["type", "description"]);
  const description = r.optionalString([...path, "description"], o.description);
  return { name, type: readType(r, [...path, "type"], o.type), ...(description ? { description } : {}) };
}

function readService(r: FieldReader, path: FieldPath, o: Record<string, unknown>): FeatureServiceSpec {
  r.knownKeys(path, o, ["name", "features", "description", "tags"]);
  const features = r.stringList([...path, "features"], o.features);
  if (o.features === undefined || (Array.isArray(o.features) && o.features.length === 0))
    r.fail([...path, "features"], "expected a non-empty list of `view` or `view:feature` references");
  return { name: readName(r, path, o), features, ...common(r, path, o) };
}

function readName(r: FieldReader, path: FieldPath, o: Record<string, unknown>): string {
  return r.string([...path, "name"], o.name, OBJECT_NAME) ?? "";
}

function readType(r: FieldReader, path: FieldPath, value: unknown): ValueType {
  const type = typeof value === "string" ? valueTypeOf(value) : undefined;
  if (type) return type;
  r.fail(path, `expected a type: ${VALUE_TYPE_NAMES}, got ${describe(value)}`);
  return "string";
}

/** The description and tags every kind may carry. */
function common(r: FieldReader, path: FieldPath, o: Record<string, unknown>) {
  const description = r.optionalString([...path, "description"], o.description);
  const tags = readTags(r, [...path, "tags"], o.tags);
  return { ...(description ? { description } : {}), ...(tags ? { tags } : {}) };
}

function readTags(r: FieldReader, path: FieldPath, value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const o = r.object(path, value);
  if (!o) return undefined;
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") tags[k] = String(v);
    else r.fail([...path, k], "expected a text value");
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}
