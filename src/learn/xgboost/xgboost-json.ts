/**
 * Reads and validates the JSON document XGBoost writes with `Booster.save_model("m.json")`
 * (schema of XGBoost 1.x/2.x; tested against 1.7.4) into flat typed-array trees. The UBJSON and
 * legacy binary readers (runtimes/xgboost) decode into the same document and validate here.
 */
import { invalidParam } from "../../core/errors.js";

/** The objectives we can score. */
export type XgboostObjective = "binary:logistic" | "reg:squarederror" | "multi:softprob" | "multi:softmax";

const OBJECTIVES: readonly string[] = ["binary:logistic", "reg:squarederror", "multi:softprob", "multi:softmax"];

/** True for the multi-class objectives (one output group per class). */
export function isMulticlass(objective: XgboostObjective): boolean {
  return objective.startsWith("multi:");
}

/** One tree; a node is a leaf when `left[n] === -1`, and then `value[n]` is its (eta-scaled) leaf value. */
export interface XgboostTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** Split threshold of an inner node or value of a leaf, both float32 as XGBoost stores them. */
  readonly value: Float32Array;
  readonly defaultLeft: Uint8Array;
}

/** Everything prediction needs, validated. */
export interface ParsedXgboost {
  readonly objective: XgboostObjective;
  /** base_score as saved: a probability for binary:logistic, a value for regression. */
  readonly baseScore: number;
  readonly numFeatures: number;
  readonly featureNames: readonly string[] | null;
  readonly trees: readonly XgboostTree[];
  /** Output group (class) of each tree; all 0 for single-output models. */
  readonly treeGroup: Int32Array;
  /** Output groups: the number of classes for multi-class models, else 1. */
  readonly numGroups: number;
  /** Trees per group and boosting round (random forests grow several). */
  readonly numParallelTree: number;
  /** `learner.attributes` (e.g. `best_iteration`, the sklearn wrapper's `scikit_learn` JSON). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: readonly [number, number, number];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw invalidParam(`XGBoost model JSON: '${path}' is missing or not an object`);
  return v;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw invalidParam(`XGBoost model JSON: '${path}' is missing or not an array`);
  return v;
}

/** XGBoost writes most parameters as strings ("3E-1"); accept numbers too. */
function num(v: unknown, path: string): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw invalidParam(`XGBoost model JSON: '${path}' must be a finite number, got ${JSON.stringify(v)}`);
  }
  return n;
}

function int(v: unknown, path: string): number {
  const n = num(v, path);
  if (!Number.isInteger(n)) throw invalidParam(`XGBoost model JSON: '${path}' must be an integer, got ${n}`);
  return n;
}

function parseVersion(doc: Obj): [number, number, number] {
  const v = arr(doc.version, "version");
  if (v.length !== 3) throw invalidParam("XGBoost model JSON: 'version' must be [major, minor, patch]");
  const [major, minor, patch] = v.map((x, i) => int(x, `version[${i}]`)) as [number, number, number];
  if (major < 1 || major > 2) {
    throw invalidParam(`XGBoost model JSON: version ${major}.${minor}.${patch} is not supported (need 1.x or 2.x)`);
  }
  return [major, minor, patch];
}

function parseObjective(learner: Obj): XgboostObjective {
  const name = obj(learner.objective, "learner.objective").name;
  if (typeof name !== "string") throw invalidParam("XGBoost model JSON: 'learner.objective.name' is missing");
  if (!OBJECTIVES.includes(name)) {
    throw invalidParam(`XGBoost objective '${name}' is not supported (supported: ${OBJECTIVES.join(", ")})`);
  }
  return name as XgboostObjective;
}

function parseFeatureNames(learner: Obj, numFeatures: number): readonly string[] | null {
  if (learner.feature_names === undefined) return null;
  const names = arr(learner.feature_names, "learner.feature_names");
  if (names.length === 0) return null;
  if (names.length !== numFeatures || names.some((n) => typeof n !== "string")) {
    throw invalidParam(`XGBoost model JSON: 'learner.feature_names' must be ${numFeatures} strings`);
  }
  return names as string[];
}

/** Output groups from num_class, checked against the objective. */
function numGroupsOf(param: Obj, objective: XgboostObjective): number {
  const numClass = param.num_class === undefined ? 0 : int(param.num_class, "learner_model_param.num_class");
  if (param.num_target !== undefined && int(param.num_target, "learner_model_param.num_target") !== 1) {
    throw invalidParam("XGBoost model JSON: multi-target models are not supported");
  }
  if (isMulticlass(objective) && numClass < 2) {
    throw invalidParam(`XGBoost model JSON: ${objective} needs num_class ≥ 2, got ${numClass}`);
  }
  if (!isMulticlass(objective) && numClass > 1) {
    throw invalidParam(
      `XGBoost model JSON: num_class ${numClass} (multi-class) needs a multi:softprob or multi:softmax objective`,
    );
  }
  return Math.max(numClass, 1);
}

function parseTreeInfo(model: Obj, numTrees: number, numGroups: number): Int32Array {
  const info = arr(model.tree_info, "gradient_booster.model.tree_info");
  if (info.length !== numTrees) {
    throw invalidParam(`XGBoost model JSON: 'tree_info' has ${info.length} entries for ${numTrees} trees`);
  }
  const out = Int32Array.from(info, (g, i) => int(g, `gradient_booster.model.tree_info[${i}]`));
  if (out.some((g) => g < 0 || g >= numGroups)) {
    throw invalidParam(`XGBoost model JSON: 'tree_info' must hold output groups in [0, ${numGroups})`);
  }
  return out;
}

function parseParallelTree(model: Obj): number {
  const param = model.gbtree_model_param;
  if (!isObj(param) || param.num_parallel_tree === undefined) return 1;
  const n = int(param.num_parallel_tree, "gbtree_model_param.num_parallel_tree");
  if (n < 1) throw invalidParam("XGBoost model JSON: 'gbtree_model_param.num_parallel_tree' must be ≥ 1");
  return n;
}

function parseAttributes(learner: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(learner.attributes)) return out;
  for (const [k, v] of Object.entries(learner.attributes)) if (typeof v === "string") out[k] = v;
  return out;
}

function typed<T extends Int32Array | Float32Array | Uint8Array>(
  tree: Obj,
  key: string,
  path: string,
  n: number,
  make: (n: number) => T,
  read: (v: unknown, p: string) => number,
): T {
  const src = arr(tree[key], `${path}.${key}`);
  if (src.length !== n)
    throw invalidParam(`XGBoost model JSON: '${path}.${key}' has ${src.length} entries, expected ${n}`);
  const out = make(n);
  for (let i = 0; i < n; i++) out[i] = read(src[i], `${path}.${key}[${i}]`);
  return out;
}

/** 1.x writes default_left as 0/1, some writers as booleans. */
function flag(v: unknown, path: string): number {
  if (typeof v === "boolean") return v ? 1 : 0;
  const n = int(v, path);
  if (n !== 0 && n !== 1) throw invalidParam(`XGBoost model JSON: '${path}' must be 0 or 1`);
  return n;
}

function checkNodes(t: XgboostTree, numFeatures: number, path: string): void {
  const n = t.left.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  // Walk from the root so a cyclic or dangling child list cannot hang prediction later.
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node < 0 || node >= n || seen[node]) {
      throw invalidParam(`XGBoost model JSON: '${path}' is not a tree (bad or repeated child index ${node})`);
    }
    seen[node] = 1;
    if (t.left[node] === -1) continue;
    if (t.right[node] === -1) throw invalidParam(`XGBoost model JSON: '${path}' node ${node} has only one child`);
    const f = t.feature[node] as number;
    if (f < 0 || f >= numFeatures) {
      throw invalidParam(`XGBoost model JSON: '${path}' node ${node} splits on feature ${f} of ${numFeatures}`);
    }
    stack.push(t.left[node] as number, t.right[node] as number);
  }
}

function parseTree(raw: unknown, i: number, numFeatures: number): XgboostTree {
  const path = `trees[${i}]`;
  const tree = obj(raw, path);
  const n = arr(tree.left_children, `${path}.left_children`).length;
  if (n === 0) throw invalidParam(`XGBoost model JSON: '${path}' has no nodes`);
  if (Array.isArray(tree.split_type) && tree.split_type.some((s) => s !== 0)) {
    throw invalidParam(`XGBoost model JSON: '${path}' has categorical splits, which are not supported`);
  }
  const ints = (key: string) => typed(tree, key, path, n, (m) => new Int32Array(m), int);
  const t: XgboostTree = {
    left: ints("left_children"),
    right: ints("right_children"),
    feature: ints("split_indices"),
    value: typed(tree, "split_conditions", path, n, (m) => new Float32Array(m), num),
    defaultLeft: typed(tree, "default_left", path, n, (m) => new Uint8Array(m), flag),
  };
  checkNodes(t, numFeatures, path);
  return t;
}

/** Validates a saved XGBoost model (parsed JSON or its text); throws INVALID_PARAMETER_VALUE naming the bad field. */
export function parseXgboostJson(json: unknown): ParsedXgboost {
  let doc: unknown = json;
  if (typeof json === "string") {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw invalidParam(`XGBoost model is not valid JSON: ${(e as Error).message}`);
    }
  }
  const root = obj(doc, "(root)");
  const version = parseVersion(root);
  const learner = obj(root.learner, "learner");
  const objective = parseObjective(learner);
  const param = obj(learner.learner_model_param, "learner.learner_model_param");
  const booster = obj(learner.gradient_booster, "learner.gradient_booster");
  if (booster.name !== "gbtree") {
    throw invalidParam(`XGBoost booster '${String(booster.name)}' is not supported (only gbtree)`);
  }
  const model = obj(booster.model, "gradient_booster.model");
  const baseScore = num(param.base_score, "learner_model_param.base_score");
  if (objective === "binary:logistic" && !(baseScore > 0 && baseScore < 1)) {
    throw invalidParam(`XGBoost model JSON: base_score ${baseScore} must lie in (0, 1) for binary:logistic`);
  }
  const numFeatures = int(param.num_feature, "learner_model_param.num_feature");
  if (numFeatures < 1) throw invalidParam("XGBoost model JSON: 'learner_model_param.num_feature' must be ≥ 1");
  const rawTrees = arr(model.trees, "gradient_booster.model.trees");
  const numGroups = numGroupsOf(param, objective);
  const treeGroup = parseTreeInfo(model, rawTrees.length, numGroups);
  const trees = rawTrees.map((t, i) => parseTree(t, i, numFeatures));
  const featureNames = parseFeatureNames(learner, numFeatures);
  const numParallelTree = parseParallelTree(model);
  const attributes = parseAttributes(learner);
  return {
    objective,
    baseScore,
    numFeatures,
    featureNames,
    trees,
    treeGroup,
    numGroups,
    numParallelTree,
    attributes,
    version,
  };
}
