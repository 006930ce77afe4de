import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { rejectsWithInput } from "../../data/test-support/fixtures.js";
import type { MlModelFile } from "../runtime.js";
import { lightgbmRuntime } from "./lightgbm-runtime.js";
import { fixtureCopy, mlmodelOf } from "./test-support/fixtures.js";
import { type SyntheticName, syntheticDir } from "./test-support/synthetic-fixtures.js";

/** Loads a damaged copy of synthetic fixture `name`; `damage` edits files in the copy or the parsed MLmodel. */
async function refused(
  name: SyntheticName,
  damage: (dir: string, mlmodel: MlModelFile) => void,
  ...fragments: string[]
): Promise<string> {
  const copy = fixtureCopy(syntheticDir(name));
  try {
    const mlmodel = mlmodelOf(copy.dir);
    damage(copy.dir, mlmodel);
    return await rejectsWithInput(() => lightgbmRuntime.load(copy.dir, mlmodel, {}), ...fragments);
  } finally {
    copy.cleanup();
  }
}

function editText(dir: string, change: (s: string) => string): void {
  const path = join(dir, "model.lgb");
  writeFileSync(path, change(readFileSync(path, "utf8")));
}

const flavor = (m: MlModelFile) => m.flavors.lightgbm as Record<string, unknown>;

describe("lightgbm runtime refuses bad folders at load, naming the file and the problem", () => {
  test("truncated files, wherever they are cut", async () => {
    const size = readFileSync(join(syntheticDir("binary"), "model.lgb")).length;
    for (const keep of [3, 300, 1000, 4000, Math.floor(size * 0.8)]) {
      await refused("binary", (d) => editText(d, (s) => s.slice(0, keep)), "model.lgb'");
    }
    await refused(
      "binary",
      (d) => editText(d, (s) => s.slice(0, s.indexOf("end of trees"))),
      "model.lgb': no 'end of trees' line after 10 trees (truncated)",
    );
    await refused(
      "multiclass",
      (d) => editText(d, (s) => s.slice(0, s.indexOf("Tree=7")) + s.slice(s.indexOf("end of trees"))),
      "tree_sizes lists 30 trees, the file has 7",
    );
    await refused(
      "regression",
      (d) => editText(d, (s) => s.slice(0, s.indexOf("leaf_value=", s.indexOf("Tree=3")) + 20)),
      "model.lgb', tree 3",
      "truncated",
    );
    await refused(
      "regression",
      (d) => editText(d, (s) => s.slice(0, s.indexOf("end of parameters"))),
      "model.lgb': no 'end of parameters' line (truncated)",
    );
    await refused("regression", (d) => editText(d, (s) => s.slice(0, s.indexOf("\nTree=0"))), "no trees (truncated?)");
    await refused("regression", (d) => editText(d, () => ""), "model.lgb': the LightGBM model file is empty");
  });

  test("a file that is not a LightGBM text model", async () => {
    await refused(
      "binary",
      (d) => writeFileSync(join(d, "model.lgb"), Buffer.from([0x80, 0x05, 0x95, 0xff, 0xfe])),
      "model.lgb': not a LightGBM text model (the file is not UTF-8 text)",
    );
    await refused(
      "binary",
      (d) => editText(d, () => '{"learner": {}}'),
      `model.lgb': not a LightGBM text model (its first line should be 'tree', the file starts with "{\\"learner\\": {}}")`,
    );
  });

  test("unknown and unsupported objectives", async () => {
    const objective = (to: string) => (d: string) =>
      editText(d, (s) => s.replace(/^objective=.*$/m, `objective=${to}`));
    await refused("binary", objective("focal_loss gamma:2"), "unknown objective 'focal_loss gamma:2'");
    await refused("regression", objective("lambdarank"), "objective 'lambdarank' is not supported: a ranking");
    await refused(
      "multiclass",
      objective("multiclassova num_class:3 sigmoid:1"),
      "not supported: one-vs-all multiclass",
    );
    await refused("binary", objective("binary sigmoid:-1"), "sigmoid:-1 is not valid");
    await refused(
      "multiclass",
      objective("multiclass num_class:4"),
      "num_class:4 does not match the header (num_class=3",
    );
    await refused("multiclass", objective("regression"), "objective 'regression' needs num_class=1");
    await refused(
      "multiclass",
      (d) => editText(d, (s) => s.replace(/^objective=.*\n/m, "")),
      "has no objective (a custom objective function) and 3 classes",
    );
  });

  test("corrupt trees are refused, not walked", async () => {
    const inTree = (tree: number, key: string, value: string) => (d: string) =>
      editText(d, (s) => {
        const at = s.indexOf(`\n${key}=`, s.indexOf(`Tree=${tree}\n`));
        const end = s.indexOf("\n", at + 1);
        return `${s.slice(0, at)}\n${key}=${value}${s.slice(end)}`;
      });
    // Node 1 of tree 0 points back at node 0: a cycle.
    await refused(
      "regression-missing",
      inTree(0, "left_child", "1 0 -1"),
      "tree 0, node 1: child 0 is not a node below",
    );
    await refused(
      "regression-missing",
      inTree(0, "right_child", "-2 -3 -9"),
      "child -9 is not a node below it nor a leaf",
    );
    await refused(
      "regression-missing",
      inTree(0, "split_feature", "5 4 10"),
      "node 2: split_feature 10 is outside 0..9",
    );
    await refused(
      "regression-missing",
      inTree(0, "threshold", "0.5 x 0.2"),
      "tree 0: 'threshold': 'x' is not a number",
    );
    await refused("regression-missing", inTree(0, "decision_type", "10 8 12"), "node 2: decision_type 12 is not valid");
    await refused("regression-missing", inTree(0, "leaf_value", "1 2 3"), "'leaf_value' has 3 values, expected 4");
    await refused("categorical", inTree(0, "cat_boundaries", "0 1 2"), "'cat_boundaries' has 3 values");
    await refused("regression-missing", inTree(2, "num_leaves", "0"), "tree 2: num_leaves is 0");
    await refused(
      "regression-missing",
      (d) => editText(d, (s) => s.replace("Tree=1\n", "Tree=5\n")),
      "tree 1: out of order ('Tree=5')",
    );
    await refused(
      "regression-missing",
      (d) => editText(d, (s) => s.replace(/^feature_infos=.*$/m, "feature_infos=none none")),
      "'feature_infos' has 2 entries, expected 10",
    );
  });

  test("a missing data file, a data path outside the folder, a flavor without data", async () => {
    await refused("binary", (d) => rmSync(join(d, "model.lgb")), "model.lgb': the model data file is missing");
    await refused(
      "binary",
      (_, m) => {
        flavor(m).data = "../other/model.lgb";
      },
      "MLmodel': the lightgbm flavor's data '../other/model.lgb' is outside the model folder",
    );
    await refused(
      "binary",
      (_, m) => {
        flavor(m).data = undefined;
      },
      "MLmodel': the lightgbm flavor names no data file",
    );
  });

  test("a wrong flavor or model class", async () => {
    const copy = fixtureCopy(syntheticDir("binary"));
    try {
      const mlmodel = mlmodelOf(copy.dir);
      assert.equal(lightgbmRuntime.accepts(mlmodel), true);
      mlmodel.flavors = { python_function: mlmodel.flavors.python_function ?? {}, xgboost: { data: "model.xgb" } };
      assert.equal(lightgbmRuntime.accepts(mlmodel), false);
      await rejectsWithInput(
        () => lightgbmRuntime.load(copy.dir, mlmodel, {}),
        "MLmodel': no lightgbm flavor (flavors: python_function, xgboost)",
      );
    } finally {
      copy.cleanup();
    }
    await refused(
      "binary",
      (_, m) => {
        flavor(m).model_class = "xgboost.core.Booster";
      },
      "model_class 'xgboost.core.Booster' is not a LightGBM class",
    );
  });

  test("signatures the runtime cannot feed", async () => {
    const setInputs = (inputs: unknown[]) => (_: string, m: MlModelFile) => {
      m.signature = { inputs };
    };
    const tenDoubles = Array.from({ length: 10 }, (_, j) => ({ type: "double", name: `c${j}` }));
    await refused(
      "binary",
      setInputs([...tenDoubles.slice(1), { type: "string", name: "country" }]),
      "signature input 'country' is a string column, but model feature 9 was not a pandas category column of strings",
    );
    await refused(
      "binary",
      setInputs([...tenDoubles.slice(1), { type: "datetime", name: "when" }]),
      "signature input 'when' is a timestamp column",
    );
    await refused("binary", setInputs(tenDoubles.slice(2)), "the signature has 8 inputs but the model takes 10");
    await refused(
      "binary",
      setInputs([...tenDoubles.slice(0, 9), { type: "double", name: "c0" }]),
      "signature input 'c0' appears twice",
    );
    await refused(
      "binary",
      setInputs([{ type: "double" }, { type: "double" }]),
      "the signature inputs are neither named columns nor one tensor",
    );
    await refused(
      "multiclass",
      setInputs([{ type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1, 4] } }]),
      "signature tensor shape [-1,4] does not fit the model's 10 features",
    );
    await refused(
      "multiclass",
      setInputs([{ type: "tensor", "tensor-spec": { dtype: "str", shape: [-1, 10] } }]),
      "signature tensor has dtype str",
    );
  });
});
