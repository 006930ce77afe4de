/**
 * What each searchable resource accepts in a filter and in order_by, after MLflow's
 * `SearchUtils`, `SearchExperimentsUtils`, `SearchModelUtils` and `SearchModelVersionUtils`.
 */

/** A comparison operator, upper-cased. */
export type Comparator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "LIKE" | "ILIKE" | "IN" | "NOT IN";

/** The entity a clause or order key addresses. */
export type ClauseType = "metric" | "param" | "tag" | "attribute" | "dataset";

/** The kind of literal a field compares against. `integer` also takes `1e3`, not `1.5`. */
export type ValueKind = "string" | "number" | "integer";

/** How one field may be compared. */
export interface FieldSpec {
  readonly comparators: readonly Comparator[];
  readonly value: ValueKind;
  /** True when the field may be compared with a list (IN / NOT IN). */
  readonly list?: boolean;
  /** The canonical key when the key is an alias (`created` → `start_time`). */
  readonly key?: string;
}

/** One resource's filter and order_by grammar. */
export interface SearchGrammar {
  readonly resource: string;
  /** Entity-type prefixes (`metrics`, `tag`, ...) and what they mean; case-sensitive, as MLflow. */
  readonly entityTypes: Readonly<Record<string, ClauseType>>;
  /** Types whose keys are free-form (metrics, params, tags). */
  readonly anyKey: Readonly<Partial<Record<ClauseType, FieldSpec>>>;
  /** Types with a fixed set of keys (attributes, datasets). */
  readonly fixedKeys: Readonly<Partial<Record<ClauseType, Readonly<Record<string, FieldSpec>>>>>;
  /** Types that order_by accepts. */
  readonly orderTypes: readonly ClauseType[];
  /** Attribute keys order_by accepts, mapped to their canonical key. */
  readonly orderAttributes: Readonly<Record<string, string>>;
}

const NUMERIC: readonly Comparator[] = ["=", "!=", ">", ">=", "<", "<="];
const STRING: readonly Comparator[] = ["=", "!=", "LIKE", "ILIKE"];
const STRING_OR_LIST: readonly Comparator[] = [...STRING, "IN", "NOT IN"];

const str: FieldSpec = { comparators: STRING, value: "string" };
const num: FieldSpec = { comparators: NUMERIC, value: "number" };
const int: FieldSpec = { comparators: NUMERIC, value: "integer" };
const strList: FieldSpec = { comparators: STRING_OR_LIST, value: "string", list: true };

const aliasOf = (spec: FieldSpec, key: string): FieldSpec => ({ ...spec, key });

/** Non-run resources accept only these prefixes (MLflow's `("attribute", "tag", "tags")`). */
const ATTRIBUTE_OR_TAG: Readonly<Record<string, ClauseType>> = { attribute: "attribute", tag: "tag", tags: "tag" };

/** Runs: metrics, params, tags, RunInfo's searchable attributes and datasets. */
export const RUN_GRAMMAR: SearchGrammar = {
  resource: "runs",
  entityTypes: {
    metric: "metric",
    metrics: "metric",
    param: "param",
    params: "param",
    parameter: "param",
    parameters: "param",
    tag: "tag",
    tags: "tag",
    attribute: "attribute",
    attributes: "attribute",
    attr: "attribute",
    run: "attribute",
    dataset: "dataset",
    datasets: "dataset",
  },
  anyKey: { metric: num, param: str, tag: str },
  fixedKeys: {
    attribute: {
      run_id: strList,
      run_name: str,
      user_id: str,
      status: str,
      artifact_uri: str,
      start_time: int,
      end_time: int,
      created: aliasOf(int, "start_time"),
      Created: aliasOf(int, "start_time"),
      "run name": aliasOf(str, "run_name"),
      "Run name": aliasOf(str, "run_name"),
      "Run Name": aliasOf(str, "run_name"),
    },
    dataset: { name: strList, digest: strList, context: strList },
  },
  orderTypes: ["metric", "param", "tag", "attribute"],
  orderAttributes: {
    run_id: "run_id",
    run_name: "run_name",
    user_id: "user_id",
    status: "status",
    artifact_uri: "artifact_uri",
    start_time: "start_time",
    end_time: "end_time",
    created: "start_time",
    Created: "start_time",
  },
};

/** Experiments: name, the two timestamps, and tags. */
export const EXPERIMENT_GRAMMAR: SearchGrammar = {
  resource: "experiments",
  entityTypes: ATTRIBUTE_OR_TAG,
  anyKey: { tag: str },
  fixedKeys: { attribute: { name: str, creation_time: int, last_update_time: int } },
  orderTypes: ["attribute"],
  orderAttributes: {
    name: "name",
    experiment_id: "experiment_id",
    creation_time: "creation_time",
    last_update_time: "last_update_time",
  },
};

/** Registered models: name and tags. */
export const REGISTERED_MODEL_GRAMMAR: SearchGrammar = {
  resource: "registered models",
  entityTypes: ATTRIBUTE_OR_TAG,
  anyKey: { tag: str },
  fixedKeys: { attribute: { name: str } },
  orderTypes: ["attribute"],
  orderAttributes: {
    name: "name",
    creation_timestamp: "creation_timestamp",
    timestamp: "creation_timestamp",
    last_updated_timestamp: "last_updated_timestamp",
  },
};

/** Model versions: name, version, run, source, logged model, timestamps and tags; IN (no NOT IN) for run_id only. */
export const MODEL_VERSION_GRAMMAR: SearchGrammar = {
  resource: "model versions",
  entityTypes: ATTRIBUTE_OR_TAG,
  anyKey: { tag: str },
  fixedKeys: {
    attribute: {
      name: str,
      run_id: { comparators: [...STRING, "IN"], value: "string", list: true },
      source_path: str,
      model_id: str,
      version_number: num,
      creation_timestamp: num,
      last_updated_timestamp: num,
    },
  },
  orderTypes: ["attribute"],
  orderAttributes: {
    name: "name",
    version_number: "version_number",
    creation_timestamp: "creation_timestamp",
    last_updated_timestamp: "last_updated_timestamp",
  },
};
