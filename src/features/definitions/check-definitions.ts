/**
 * The checks that span objects and files: unique names, entity/source/view/feature references, and
 * (when a source's dataset exists) its columns and their types. Every problem names `file:line: path`.
 */
import type { FieldPath } from "../../core/yaml/yaml-fields.js";
import { formatPath } from "../../core/yaml/yaml-fields.js";
import { refProblems } from "./feature-refs.js";
import type {
  EntitySpec,
  FeatureDefinitions,
  FeatureServiceSpec,
  FeatureViewSpec,
  SourceSpec,
  ValueType,
} from "./feature-spec.js";
import type { Located, ParsedFiles } from "./parse-definitions.js";
import { problemsOf } from "./parse-definitions.js";
import { satisfies } from "./value-types.js";

/** A dataset's columns as stored: absent dataset, absent version, or the version's column types. */
export type DatasetColumns =
  | { status: "no-dataset" }
  | { status: "no-version"; latest: number }
  | { status: "ok"; version: number; columns: ReadonlyMap<string, ValueType> };

/** Looks up a dataset version's columns (`version` undefined: the latest). */
export type DatasetColumnsLookup = (dataset: string, version?: number) => Promise<DatasetColumns>;

/** The checked definitions, or the problems that refuse them; warnings never refuse. */
export interface CheckResult {
  definitions: FeatureDefinitions;
  problems: string[];
  warnings: string[];
}

/** Check parsed files as one set of definitions. */
export async function checkDefinitions(parsed: ParsedFiles, columnsOf: DatasetColumnsLookup): Promise<CheckResult> {
  const warnings: string[] = [];
  checkUniqueNames(parsed);
  const entities = firstByName(parsed.entities);
  const sources = firstByName(parsed.sources);
  for (const v of parsed.feature_views) checkView(v, entities, sources);
  const views = firstByName(parsed.feature_views);
  for (const s of parsed.feature_services) checkService(s, views);
  await checkDatasets(parsed, entities, columnsOf, warnings);
  const byName = <T extends { name: string }>(xs: Located<T>[]) =>
    xs.map((x) => x.spec).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    definitions: {
      entities: byName(parsed.entities),
      sources: byName(parsed.sources),
      feature_views: byName(parsed.feature_views),
      feature_services: byName(parsed.feature_services),
    },
    problems: problemsOf(parsed),
    warnings,
  };
}

/** Objects by name; a duplicate (already reported) does not replace the first declaration. */
function firstByName<T extends { name: string }>(xs: Located<T>[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const x of xs) if (!m.has(x.spec.name)) m.set(x.spec.name, x.spec);
  return m;
}

const KIND_LABEL = {
  entities: "an entity",
  sources: "a source",
  feature_views: "a feature view",
  feature_services: "a feature service",
} as const;

function checkUniqueNames(parsed: ParsedFiles): void {
  const first = new Map<string, { at: string; kind: string }>();
  for (const kind of ["entities", "sources", "feature_views", "feature_services"] as const) {
    for (const o of parsed[kind] as Located<{ name: string }>[]) {
      if (!o.spec.name) continue;
      const seen = first.get(o.spec.name);
      if (seen)
        o.reader.fail([...o.path, "name"], `duplicate name '${o.spec.name}': already ${seen.kind} at ${seen.at}`);
      else first.set(o.spec.name, { at: where(o, ["name"]), kind: KIND_LABEL[kind] });
    }
  }
}

function checkView(v: Located<FeatureViewSpec>, entities: Map<string, EntitySpec>, sources: Map<string, SourceSpec>) {
  const { spec, reader: r, path } = v;
  const keys = new Map<string, string>();
  spec.entities.forEach((name, i) => {
    const e = entities.get(name);
    if (!e) {
      r.fail([...path, "entities", i], `unknown entity '${name}'`);
      return;
    }
    for (const k of e.join_keys) {
      const other = keys.get(k.name);
      if (other) r.fail([...path, "entities", i], `join key '${k.name}' is also a join key of entity '${other}'`);
      keys.set(k.name, name);
    }
  });
  const source = sources.get(spec.source);
  if (spec.source && !source) r.fail([...path, "source"], `unknown source '${spec.source}'`);
  for (const f of spec.features) {
    const at = [...path, "features", f.name];
    if (keys.has(f.name)) r.fail(at, `'${f.name}' is a join key of entity '${keys.get(f.name)}', not a feature`);
    if (source && (f.name === source.timestamp_field || f.name === source.created_timestamp_column))
      r.fail(at, `'${f.name}' is a timestamp column of source '${source.name}', not a feature`);
  }
}

function checkService(s: Located<FeatureServiceSpec>, views: Map<string, FeatureViewSpec>): void {
  refProblems(s.spec.features, views).forEach((problem, i) => {
    if (problem) s.reader.fail([...s.path, "features", i], problem);
  });
}

/** Each source's dataset columns (looked up once per dataset version) against what uses them. */
async function checkDatasets(
  parsed: ParsedFiles,
  entities: Map<string, EntitySpec>,
  columnsOf: DatasetColumnsLookup,
  warnings: string[],
): Promise<void> {
  const found = new Map<string, ReadonlyMap<string, ValueType> | undefined>();
  for (const s of parsed.sources) {
    const { spec, reader: r, path } = s;
    if (!spec.dataset) continue;
    const got = await columnsOf(spec.dataset, spec.version);
    if (got.status === "no-dataset") {
      warnings.push(`${where(s, ["dataset"])}: dataset '${spec.dataset}' does not exist yet; columns not checked`);
      found.set(spec.name, undefined);
      continue;
    }
    if (got.status === "no-version") {
      r.fail([...path, "dataset"], `dataset '${spec.dataset}' has no version ${spec.version} (latest ${got.latest})`);
      continue;
    }
    const label = `dataset '${spec.dataset}@${got.version}'`;
    const timestamp = (field: "timestamp_field" | "created_timestamp_column") => {
      const col = spec[field];
      if (col !== undefined) columnProblem(r, [...path, field], got.columns, col, "timestamp", label);
    };
    timestamp("timestamp_field");
    timestamp("created_timestamp_column");
    found.set(spec.name, got.columns);
  }
  for (const v of parsed.feature_views) {
    const columns = found.get(v.spec.source);
    if (!columns) continue;
    const dataset = parsed.sources.find((s) => s.spec.name === v.spec.source)?.spec.dataset ?? "";
    const label = `the dataset '${dataset}' of source '${v.spec.source}'`;
    v.spec.entities.forEach((name, i) => {
      for (const k of entities.get(name)?.join_keys ?? [])
        columnProblem(v.reader, [...v.path, "entities", i], columns, k.name, k.type, label, `join key '${k.name}'`);
    });
    for (const f of v.spec.features)
      columnProblem(v.reader, [...v.path, "features", f.name], columns, f.name, f.type, label);
  }
}

function columnProblem(
  r: Located<unknown>["reader"],
  at: FieldPath,
  columns: ReadonlyMap<string, ValueType>,
  column: string,
  type: ValueType,
  label: string,
  what = `column '${column}'`,
): void {
  const actual = columns.get(column);
  if (actual === undefined) r.fail(at, `${what} is not a column of ${label}`);
  else if (!satisfies(type, actual)) r.fail(at, `${what} is ${type} here but ${actual} in ${label}`);
}

/** `file:line: path` of a field of an object. */
function where(o: Located<unknown>, field: FieldPath): string {
  const path = [...o.path, ...field];
  return `${o.reader.file}:${o.reader.lineOf(path)}: ${formatPath(path)}`;
}
