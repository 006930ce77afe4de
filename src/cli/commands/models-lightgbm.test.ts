/**
 * A LightGBM model logged in MLflow's format goes where the platform's own models go: `models log`,
 * `predict`, `drift --model`, `deployments create` (its load check) and the pipeline `evaluate`
 * step, all through the embedded platform's runtimes: a synthetic LightGBM model, its expected scores
 * from the reference tree walk.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { resolveConfig } from "../../core/config.js";
import { readTable } from "../../data/read-table.js";
import type { Column } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import { tableFromRows } from "../../data/test-support/build-table.js";
import { evaluateExecutor } from "../../pipelines/steps/evaluate.js";
import { stepContext } from "../../pipelines/test-support/step-context.js";
import { syntheticDir, syntheticExpected } from "../../runtimes/lightgbm/test-support/synthetic-fixtures.js";
import { openPlatform } from "../../server/open-platform.js";
import { loadVersion } from "../../serving/model-resolver.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("a LightGBM model through predict, drift --model, deployments and evaluate", () => {
  let home: string;
  const expected = syntheticExpected("binary");
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const ok = async (...argv: string[]) => {
    const r = await run(...argv);
    assert.equal(r.code, 0, r.err);
    return r;
  };
  const csv = (name: string, rows: readonly (readonly (number | null)[])[]) => {
    const path = join(home, name);
    const lines = rows.map((r) => r.map((v) => (v === null ? "" : String(v))).join(","));
    writeFileSync(path, `${[expected.columns.join(","), ...lines].join("\n")}\n`);
    return path;
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-models-lgb-"));
    const res = JSON.parse((await ok("models", "log", syntheticDir("binary"), "--name", "lgb", "--json")).out);
    assert.deepEqual([res.version, res.runtime, res.kind], ["1", "lightgbm", "binary"]);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("predict writes the model's probabilities (within 1e-6) and labels", async () => {
    const input = csv("rows.csv", expected.rows);
    const out = join(home, "scored.csv");
    await ok("predict", "lgb/1", input, "--out", out);
    const back = await readTable(out);
    assert.deepEqual(back.columnNames, [...expected.columns, "probability", "label"]);
    expected.predictions.forEach((p, i) => {
      const got = valueAt(back.column("probability") as Column, i) as number;
      assert.ok(Math.abs(got - (p as number)) <= 1e-6, `row ${i}: ${got} vs ${p}`);
      assert.equal(String(valueAt(back.column("label") as Column, i)), (p as number) >= 0.5 ? "1" : "0");
    });
  });

  test("drift --model adds the drift of the model's score: none on the same rows, some on shifted ones", async () => {
    const reference = csv("reference.csv", expected.rows);
    const same = JSON.parse(
      (await ok("drift", "--reference", reference, "--current", reference, "--model", "lgb/1", "--json")).out,
    );
    assert.ok(same.prediction, "a prediction entry");
    assert.equal(same.prediction.drifted, false, JSON.stringify(same.prediction));
    // Every feature moved far off its range: the scores move with it.
    const shifted = csv(
      "shifted.csv",
      expected.rows.map((r) => r.map((v) => (v === null ? null : v + 8))),
    );
    const moved = JSON.parse(
      (await ok("drift", "--reference", reference, "--current", shifted, "--model", "lgb/1", "--json")).out,
    );
    assert.equal(moved.prediction.drifted, true, JSON.stringify(moved.prediction));
  });

  test("deployments create loads it and stores it as its primary", async () => {
    await ok("deployments", "create", "lgb-web", "--model", "lgb/1");
    const shown = JSON.parse((await ok("deployments", "show", "lgb-web", "--json")).out);
    assert.equal(shown.deployment.primary, "lgb/1");
  });

  test("the pipeline evaluate step scores it through the platform's loader", async () => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      // Labels: the model's own decision, flipped on every fourth row.
      const rows = expected.rows.map((r, i) => [
        ...r,
        Number((expected.predictions[i] as number) >= 0.5) ^ Number(i % 4 === 0),
      ]);
      const table = tableFromRows([...expected.columns, "y"], rows);
      const cacheDir = join(home, "serving-cache");
      const step = evaluateExecutor({
        registry: platform.registry,
        loadModel: (name, version) => loadVersion(name, version, { ...platform, cacheDir }),
        loadEval: async (ref) => ({ table, ref: `${ref}@1` }),
      });
      const res = await step.run(stepContext("evaluate", { model: "lgb", version: 1, data: "eval", label: "y" }));
      assert.equal(res.kind, "binary");
      const m = res.metrics as Record<string, number>;
      assert.equal(m.rows, expected.rows.length);
      assert.equal(m.accuracy, 1 - Math.ceil(expected.rows.length / 4) / expected.rows.length);
    } finally {
      await platform.close();
    }
  });
});
