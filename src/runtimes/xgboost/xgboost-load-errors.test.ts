import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { rejectsWithInput } from "../../data/test-support/fixtures.js";
import type { MlModelFile } from "../runtime.js";
import { fixtureCopy, mlmodelOf } from "./test-support/fixtures.js";
import { xgboostRuntime } from "./xgboost-runtime.js";

/** Loads a damaged copy of fixture `name`; `damage` edits files in the copy or the parsed MLmodel. */
async function refused(
  name: string,
  damage: (dir: string, mlmodel: MlModelFile) => void,
  ...fragments: string[]
): Promise<string> {
  const copy = fixtureCopy(name);
  try {
    const mlmodel = mlmodelOf(copy.dir);
    damage(copy.dir, mlmodel);
    return await rejectsWithInput(() => xgboostRuntime.load(copy.dir, mlmodel, {}), ...fragments);
  } finally {
    copy.cleanup();
  }
}

function edit(dir: string, file: string, change: (b: Buffer) => Buffer): void {
  writeFileSync(join(dir, file), change(readFileSync(join(dir, file))));
}

const flavor = (m: MlModelFile) => m.flavors.xgboost as Record<string, unknown>;

describe("xgboost runtime refuses bad folders at load, naming the file and the problem", () => {
  test("truncated files, in every format", async () => {
    for (const size of [3, 100, 500, 5000, -3]) {
      await refused("binary-booster-xgb", (d) => edit(d, "model.xgb", (b) => b.subarray(0, size)), "model.xgb");
    }
    const msg = await refused(
      "binary-booster-xgb",
      (d) => edit(d, "model.xgb", (b) => b.subarray(0, 5000)),
      "model.xgb' (XGBoost legacy binary): truncated",
    );
    assert.match(msg, /of tree \d+ of 20/);
    await refused(
      "binary-classifier-json",
      (d) => edit(d, "model.json", (b) => b.subarray(0, 4000)),
      "model.json' (XGBoost JSON): not valid JSON (truncated?)",
    );
    await refused(
      "regression-ubj",
      (d) => edit(d, "model.ubj", (b) => b.subarray(0, 4000)),
      "model.ubj' (XGBoost UBJSON): not valid UBJSON: truncated",
    );
    await refused(
      "regression-ubj",
      (d) => edit(d, "model.ubj", () => Buffer.alloc(0)),
      "model.ubj': the XGBoost model file is empty",
    );
  });

  test("trailing bytes and wrong magic", async () => {
    await refused(
      "binary-booster-xgb",
      (d) => edit(d, "model.xgb", (b) => Buffer.concat([b, Buffer.from([1, 2])])),
      "2 unexpected bytes after the model",
    );
    await refused(
      "binary-booster-xgb",
      (d) => edit(d, "model.xgb", () => Buffer.from("PK\u0003\u0004 a zip file")),
      "model.xgb': wrong magic: not an XGBoost model",
      "starts with 50 4b 03 04",
    );
  });

  test("unknown objectives and boosters", async () => {
    const swap = (from: string, to: string) => (b: Buffer) =>
      Buffer.from(b.toString("latin1").replaceAll(from, to), "latin1");
    await refused(
      "binary-booster-xgb",
      (d) => edit(d, "model.xgb", swap("binary:logistic", "binary:logitraw")),
      "model.xgb' (XGBoost legacy binary): XGBoost objective 'binary:logitraw' is not supported",
    );
    await refused(
      "regression-ubj",
      (d) => edit(d, "model.ubj", swap("reg:squarederror", "reg:quantileloss")),
      "model.ubj' (XGBoost UBJSON): XGBoost objective 'reg:quantileloss' is not supported",
    );
    await refused(
      "multiclass-softmax-json",
      (d) => edit(d, "model.json", swap('"multi:softmax"', '"rank:pairwise"')),
      "model.json' (XGBoost JSON): XGBoost objective 'rank:pairwise' is not supported",
    );
    await refused(
      "multiclass-softprob-xgb",
      (d) => edit(d, "model.xgb", swap("gbtree", "gbdart")),
      "XGBoost booster 'gbdart' is not supported (only gbtree)",
    );
  });

  test("models saved by XGBoost before 1.0", async () => {
    const major = (b: Buffer) => {
      const c = Buffer.from(b);
      c.writeUInt32LE(0, 4 + 20);
      return c;
    };
    await refused(
      "binary-booster-xgb",
      (d) => edit(d, "model.xgb", major),
      "saved by XGBoost 0.7, which is not supported",
    );
  });

  test("a missing data file, a data path outside the folder, a flavor without data", async () => {
    await refused(
      "binary-classifier-json",
      (d) => rmSync(join(d, "model.json")),
      "model.json': the model data file is missing",
    );
    await refused(
      "binary-classifier-json",
      (_, m) => {
        flavor(m).data = "../other/model.json";
      },
      "MLmodel': the xgboost flavor's data '../other/model.json' is outside the model folder",
    );
    await refused(
      "binary-classifier-json",
      (_, m) => {
        flavor(m).data = undefined;
      },
      "MLmodel': the xgboost flavor names no data file",
    );
  });

  test("a wrong flavor or model class", async () => {
    const copy = fixtureCopy("binary-classifier-json");
    try {
      const mlmodel = mlmodelOf(copy.dir);
      mlmodel.flavors = {
        python_function: mlmodel.flavors.python_function ?? {},
        sklearn: { pickled_model: "model.pkl" },
      };
      assert.equal(xgboostRuntime.accepts(mlmodel), false);
      assert.equal(xgboostRuntime.accepts(mlmodelOf(copy.dir)), true);
      await rejectsWithInput(
        () => xgboostRuntime.load(copy.dir, mlmodel, {}),
        "MLmodel': no xgboost flavor (flavors: python_function, sklearn)",
      );
    } finally {
      copy.cleanup();
    }
    await refused(
      "binary-classifier-json",
      (_, m) => {
        flavor(m).model_class = "sklearn.linear_model.LogisticRegression";
      },
      "model_class 'sklearn.linear_model.LogisticRegression' is not an XGBoost class",
    );
  });

  test("signatures the runtime cannot feed", async () => {
    const setInputs = (inputs: unknown[]) => (_: string, m: MlModelFile) => {
      m.signature = { inputs };
    };
    await refused(
      "binary-booster-xgb",
      setInputs([{ type: "string", name: "country" }]),
      "signature input 'country' is a string column; the xgboost runtime takes numeric inputs only",
    );
    await refused(
      "binary-booster-xgb",
      setInputs([{ type: "datetime", name: "when" }]),
      "signature input 'when' is a timestamp column",
    );
    await refused(
      "binary-booster-xgb",
      setInputs([{ type: "binary", name: "blob" }]),
      "input 'blob' has type 'binary'",
    );
    await refused(
      "binary-booster-xgb",
      setInputs([{ type: "double" }, { type: "double" }]),
      "the signature inputs are neither named columns nor one tensor",
    );
    await refused(
      "binary-booster-xgb",
      setInputs([{ type: "double", name: "a" }]),
      "the signature has 1 inputs but the model takes 6 features",
    );
    const named = [..."abcdefg"].map((name) => ({ type: "double", name }));
    await refused(
      "binary-classifier-json",
      setInputs(named),
      "the signature does not match the model (model features not in the signature: age, income",
      "signature inputs the model does not know: a, b",
    );
    await refused(
      "regression-ubj",
      setInputs([{ type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1, 4] } }]),
      "signature tensor shape [-1,4] does not fit the model's 6 features",
    );
    await refused(
      "regression-ubj",
      setInputs([{ type: "tensor", "tensor-spec": { dtype: "str", shape: [-1, 6] } }]),
      "signature tensor has dtype str",
    );
  });

  test("corrupt trees are refused, not walked", async () => {
    // The root of the first tree becomes its own left child: a cycle.
    const cycle = (b: Buffer) => {
      const c = Buffer.from(b);
      const root = 4 + 136 + 8 + "binary:logistic".length + 8 + "gbtree".length + 160 + 148;
      c.writeInt32LE(0, root + 4);
      return c;
    };
    await refused("binary-booster-xgb", (d) => edit(d, "model.xgb", cycle), "'trees[0]' is not a tree");
  });
});
