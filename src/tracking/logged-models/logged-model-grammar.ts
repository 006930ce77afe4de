/**
 * The filter grammar of logged-model search (MLflow's `search_logged_model_utils` and
 * `SearchLoggedModelsUtils`): attributes, `params.`, `tags.` and `metrics.` comparisons.
 */
import type { Comparator, FieldSpec, SearchGrammar } from "../search/search-grammars.js";

const NUMERIC: readonly Comparator[] = ["=", "!=", ">", ">=", "<", "<="];
// MLflow's file store takes IN / NOT IN for every attribute; its SQL store only the four below.
const STRING_OR_LIST: readonly Comparator[] = ["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"];

const str: FieldSpec = { comparators: ["=", "!=", "LIKE", "ILIKE"], value: "string" };
const strList: FieldSpec = { comparators: STRING_OR_LIST, value: "string", list: true };
const num: FieldSpec = { comparators: NUMERIC, value: "number" };
const int: FieldSpec = { comparators: NUMERIC, value: "integer" };

/** Attribute keys (and their aliases) → canonical key; also the keys `order_by` accepts. */
export const LOGGED_MODEL_ATTRIBUTES: Readonly<Record<string, string>> = {
  name: "name",
  model_id: "model_id",
  model_type: "model_type",
  status: "status",
  source_run_id: "source_run_id",
  creation_timestamp: "creation_timestamp",
  creation_time: "creation_timestamp",
  last_updated_timestamp: "last_updated_timestamp",
  last_updated_time: "last_updated_timestamp",
};

const NUMERIC_ATTRIBUTES = new Set(["creation_timestamp", "last_updated_timestamp"]);

/** Logged models: MLflow's plural prefixes (and the singular ones run search takes). */
export const LOGGED_MODEL_GRAMMAR: SearchGrammar = {
  resource: "logged models",
  entityTypes: {
    attributes: "attribute",
    attribute: "attribute",
    metrics: "metric",
    metric: "metric",
    params: "param",
    param: "param",
    tags: "tag",
    tag: "tag",
  },
  anyKey: { metric: num, param: str, tag: str },
  fixedKeys: {
    attribute: Object.fromEntries(
      Object.entries(LOGGED_MODEL_ATTRIBUTES).map(([k, key]) => [
        k,
        { ...(NUMERIC_ATTRIBUTES.has(key) ? int : strList), key },
      ]),
    ),
  },
  // order_by arrives as objects and is checked by the search itself.
  orderTypes: [],
  orderAttributes: {},
};
