import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { rejectsWithInput } from "../../data/test-support/fixtures.js";
import { lightgbmRuntime } from "./lightgbm-runtime.js";
import { FIXTURES, fixtureCopy, inputTable, mlmodelOf } from "./test-support/fixtures.js";
import { type SyntheticName, syntheticDir, syntheticExpected } from "./test-support/synthetic-fixtures.js";

const load = (dir: string) => lightgbmRuntime.load(dir, mlmodelOf(dir), {});

// The committed wrappers hold synthetic boosters (make-sklearn-fixtures.py): the booster each wraps.
const WRAPPED: Record<string, SyntheticName> = {
  "classifier-pickle": "binary",
  "multiclass-classifier-pickle": "multiclass",
  "regressor-pickle": "regression-missing",
};

describe("scikit-learn wrappers pickled by MLflow (model.pkl), read without running the pickle", () => {
  for (const [name, booster] of Object.entries(WRAPPED)) {
    test(`${name}: the wrapped booster's reference scores (${booster})`, async () => {
      const model = await load(join(FIXTURES, name));
      const expected = syntheticExpected(booster);
      const scores = model.predictSync?.(inputTable(model, expected)).scores;
      assert.ok(scores);
      const want = expected.predictions.flat();
      assert.equal(scores.length, want.length);
      scores.forEach((v, i) => {
        assert.ok(Math.abs(v - (want[i] as number)) <= 1e-12, `value ${i}`);
      });
    });
  }

  test("an LGBMClassifier's classes label the scores: P(the second class) for binary, all classes in order", async () => {
    const binary = await load(join(FIXTURES, "classifier-pickle"));
    assert.deepEqual(binary.classes, ["no", "yes"]);
    assert.equal(binary.signature.positive_class, "yes");
    assert.equal(binary.signature.negative_class, "no");
    const multi = await load(join(FIXTURES, "multiclass-classifier-pickle"));
    assert.deepEqual(multi.classes, ["3", "5", "7"]);
    assert.deepEqual(multi.signature.classes, ["3", "5", "7"]);
    const reg = await load(join(FIXTURES, "regressor-pickle"));
    assert.equal(reg.kind, "regression");
    assert.equal(reg.classes, undefined);
  });

  test("predict stops at the booster's best_iteration (early stopping), as LightGBM's predict does", async () => {
    const wrapper = await load(join(FIXTURES, "classifier-pickle-best-4"));
    // The same booster with only its first 4 trees, as a Booster folder.
    const copy = fixtureCopy(syntheticDir("binary"));
    try {
      const path = join(copy.dir, "model.lgb");
      const text = readFileSync(path, "utf8");
      const cut = text.slice(0, text.indexOf("Tree=4\n")) + text.slice(text.indexOf("end of trees"));
      writeFileSync(path, cut.replace(/^tree_sizes=(\S+ \S+ \S+ \S+).*$/m, "tree_sizes=$1"));
      const four = await load(copy.dir);
      const all = await load(syntheticDir("binary"));
      const table = inputTable(four, syntheticExpected("binary"));
      const scores = wrapper.predictSync?.(table).scores;
      assert.deepEqual(scores, four.predictSync?.(table).scores);
      assert.notDeepEqual(scores, all.predictSync?.(table).scores);
    } finally {
      copy.cleanup();
    }
  });

  test("a pickle that is not a LightGBM wrapper, or is damaged, is refused naming the file", async () => {
    const copy = fixtureCopy(join(FIXTURES, "classifier-pickle"));
    const path = join(copy.dir, "model.pkl");
    const good = readFileSync(path);
    const attempt = async (bytes: Buffer, ...fragments: string[]) => {
      writeFileSync(path, bytes);
      await rejectsWithInput(() => load(copy.dir), "model.pkl'", ...fragments);
    };
    try {
      await attempt(
        Buffer.from("cos\nsystem\n(Vtouch /tmp/pwned\ntR.", "latin1"),
        "the pickle holds a os.system, not a LightGBM",
      );
      await attempt(good.subarray(0, good.length - 3000), "not a readable pickle: truncated");
      await attempt(Buffer.alloc(0), "the pickled model file is empty");
      await attempt(Buffer.from("tree\nversion=v4\n"), "not a readable pickle");
      const handle = good.indexOf("_handle");
      const renamed = Buffer.from(good);
      renamed.write("_hxndle", handle, "latin1");
      await attempt(renamed, "the LGBMClassifier holds no fitted booster");
      const broken = Buffer.from(good);
      broken.write("Tree=9", good.indexOf("Tree=3"), "latin1");
      await attempt(broken, "(the booster of its LGBMClassifier), tree 3: out of order ('Tree=9')");
    } finally {
      copy.cleanup();
    }
  });

  test("the skops format is refused with what to do instead", async () => {
    const copy = fixtureCopy(join(FIXTURES, "classifier-pickle"));
    try {
      const mlmodel = mlmodelOf(copy.dir);
      (mlmodel.flavors.lightgbm as Record<string, unknown>).data = "model.skops";
      await rejectsWithInput(
        () => lightgbmRuntime.load(copy.dir, mlmodel, {}),
        "model.skops': the skops format is not read here; log the model with serialization_format='cloudpickle'",
      );
    } finally {
      copy.cleanup();
    }
  });
});
