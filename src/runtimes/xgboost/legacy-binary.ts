/**
 * Reads XGBoost 1.x's legacy binary model format (`save_model("model.xgb")`, MLflow 2.x's default
 * `model_format: xgb`) into the document XGBoost's JSON format holds, so one validator and one
 * scorer serve every format. Layout (little-endian, structs without padding), after XGBoost's
 * learner.cc / gbtree_model.cc / tree_model.cc:
 *   "binf"; LearnerModelParamLegacy (136 bytes: base_score f32, num_feature u32, num_class i32,
 *   contain_extra_attrs i32, contain_eval_metrics i32, major u32, minor u32, num_target u32,
 *   boost_from_average i32, 25 reserved i32); objective and booster names (u64 length + bytes);
 *   GBTreeModelParam (160 bytes: num_trees i32, num_parallel_tree i32, ...); per tree a TreeParam
 *   (148 bytes: num_roots, num_nodes, num_deleted, max_depth, num_feature, size_leaf_vector,
 *   31 reserved), num_nodes nodes (20 bytes: parent, left, right i32, split index u32 whose top bit
 *   is default-left, split condition or leaf value f32) and num_nodes statistics (16 bytes, unused);
 *   num_trees tree_info i32; then, when contain_extra_attrs, u64 count and (key, value) strings.
 */
import { invalidParam } from "../../core/errors.js";

const LEARNER_PARAM_BYTES = 136;
const GBTREE_PARAM_BYTES = 160;
const TREE_PARAM_BYTES = 148;
const NODE_BYTES = 20;
const STAT_BYTES = 16;

class Cursor {
  pos = 0;
  readonly view: DataView;
  private readonly text = new TextDecoder("utf-8", { fatal: true });

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Claims `n` bytes for `what`; returns their offset. */
  take(n: number, what: string): number {
    if (n > this.buf.length - this.pos) {
      throw invalidParam(`truncated: ${what} needs ${n} bytes at byte ${this.pos}, the file has ${this.buf.length}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  string(what: string): string {
    const size = this.view.getBigUint64(this.take(8, `the length of ${what}`), true);
    if (size > BigInt(this.buf.length - this.pos)) {
      throw invalidParam(`truncated: ${what} of ${size} bytes at byte ${this.pos}, the file has ${this.buf.length}`);
    }
    const n = Number(size);
    const at = this.take(n, what);
    try {
      return this.text.decode(this.buf.subarray(at, at + n));
    } catch {
      throw invalidParam(`${what} at byte ${at} is not UTF-8`);
    }
  }
}

/** True when the bytes start as XGBoost's legacy binary format does. */
export function isLegacyBinary(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x62 && buf[1] === 0x69 && buf[2] === 0x6e && buf[3] === 0x66; // "binf"
}

/** Decodes a legacy binary model into XGBoost's JSON document; throws INVALID_PARAMETER_VALUE naming the problem. */
export function decodeLegacyBinary(buf: Uint8Array): Record<string, unknown> {
  if (!isLegacyBinary(buf)) throw invalidParam("wrong magic: a legacy binary XGBoost model starts with 'binf'");
  const c = new Cursor(buf);
  c.take(4, "the header");
  const p = c.take(LEARNER_PARAM_BYTES, "the learner parameters");
  const v = c.view;
  const baseScore = v.getFloat32(p, true);
  const numFeature = v.getUint32(p + 4, true);
  const numClass = v.getInt32(p + 8, true);
  const hasAttributes = v.getInt32(p + 12, true) !== 0;
  const major = v.getUint32(p + 20, true);
  const minor = v.getUint32(p + 24, true);
  const numTarget = v.getUint32(p + 28, true) || 1;
  if (major < 1 || major > 2) {
    // Before 1.0 base_score was saved transformed and the objective's settings were not saved.
    throw invalidParam(`saved by XGBoost ${major}.${minor}, which is not supported (need 1.x or 2.x)`);
  }
  const objective = c.string("the objective name");
  const booster = c.string("the booster name");
  if (booster !== "gbtree") throw invalidParam(`XGBoost booster '${booster}' is not supported (only gbtree)`);
  const model = gbtree(c);
  const attributes = hasAttributes ? readAttributes(c) : {};
  if (c.pos !== buf.length)
    throw invalidParam(`${buf.length - c.pos} unexpected bytes after the model at byte ${c.pos}`);
  return {
    version: [major, minor, 0],
    learner: {
      attributes,
      feature_names: [],
      objective: { name: objective },
      learner_model_param: {
        base_score: baseScore,
        num_feature: numFeature,
        num_class: numClass,
        num_target: numTarget,
      },
      gradient_booster: { name: booster, model },
    },
  };
}

function gbtree(c: Cursor): Record<string, unknown> {
  const p = c.take(GBTREE_PARAM_BYTES, "the gbtree parameters");
  const numTrees = c.view.getInt32(p, true);
  const numParallelTree = c.view.getInt32(p + 4, true);
  if (numTrees < 0) throw invalidParam(`num_trees ${numTrees} is negative`);
  // Each tree takes at least its parameters, one node and one statistic.
  if (numTrees * (TREE_PARAM_BYTES + NODE_BYTES + STAT_BYTES) > c.buf.length - c.pos) {
    throw invalidParam(
      `truncated: ${numTrees} trees cannot fit in the ${c.buf.length - c.pos} bytes left at byte ${c.pos}`,
    );
  }
  const trees: unknown[] = [];
  for (let i = 0; i < numTrees; i++) trees.push(tree(c, i, numTrees));
  const info = numTrees > 0 ? c.take(4 * numTrees, "tree_info") : 0;
  const treeInfo = Array.from({ length: numTrees }, (_, i) => c.view.getInt32(info + 4 * i, true));
  return {
    gbtree_model_param: { num_trees: numTrees, num_parallel_tree: numParallelTree },
    trees,
    tree_info: treeInfo,
  };
}

function tree(c: Cursor, i: number, numTrees: number): Record<string, unknown> {
  const what = `tree ${i} of ${numTrees}`;
  const p = c.take(TREE_PARAM_BYTES, `the parameters of ${what}`);
  const numNodes = c.view.getInt32(p + 4, true);
  if (numNodes < 1) throw invalidParam(`${what} has ${numNodes} nodes`);
  if (c.view.getInt32(p + 20, true) !== 0) throw invalidParam(`${what} has leaf vectors, which are not supported`);
  const nodes = c.take(numNodes * NODE_BYTES, `the ${numNodes} nodes of ${what}`);
  c.take(numNodes * STAT_BYTES, `the node statistics of ${what}`);
  const left: number[] = [];
  const right: number[] = [];
  const splitIndices: number[] = [];
  const conditions: number[] = [];
  const defaultLeft: number[] = [];
  for (let n = 0; n < numNodes; n++) {
    const at = nodes + n * NODE_BYTES;
    const index = c.view.getUint32(at + 12, true);
    left.push(c.view.getInt32(at + 4, true));
    right.push(c.view.getInt32(at + 8, true));
    splitIndices.push(index & 0x7fffffff);
    defaultLeft.push(index >>> 31);
    conditions.push(c.view.getFloat32(at + 16, true));
  }
  return {
    left_children: left,
    right_children: right,
    split_indices: splitIndices,
    split_conditions: conditions,
    default_left: defaultLeft,
  };
}

function readAttributes(c: Cursor): Record<string, string> {
  const count = c.view.getBigUint64(c.take(8, "the attribute count"), true);
  // Each attribute takes at least two 8-byte lengths.
  if (count > BigInt(c.buf.length - c.pos) / 16n) throw invalidParam(`truncated: ${count} attributes at byte ${c.pos}`);
  const out: Record<string, string> = Object.create(null);
  for (let i = 0; i < Number(count); i++) {
    const key = c.string(`attribute ${i}'s name`);
    out[key] = c.string(`attribute '${key}'`);
  }
  return out;
}
