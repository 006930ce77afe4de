import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { resolveModel } from "../../serving/model-resolver.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";

let telco: Table;
let pkg: ModelPackage;

before(async () => {
  telco = (await readTable(TELCO_CSV)).slice(0, 300);
  pkg = await fitTelcoPackage(telco, 5);
});

/** Run `modelworks models ...` with `home` as MODELWORKS_HOME. */
async function run(home: string, ...argv: string[]) {
  const io = captureIo(home);
  const code = await main(["models", ...argv], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

/** Load a version the way servers do (registry → artifact store → loadModel). */
async function load(platform: Platform, home: string, ref: string) {
  return resolveModel(ref, { ...platform, cacheDir: join(home, "cache") });
}

describe("modelworks models fault (embedded store)", () => {
  let home: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-fault-cli-"));
    await registerModels(home, "churn", [pkg]);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("registers a faulty copy as the next version, tagged with its faults", async () => {
    const r = await run(
      home,
      "fault",
      "churn/1",
      "--delay-ms",
      "250",
      "--fail-when",
      "Contract=Two year,One year",
      "--score-shift=-0.1",
      "--description",
      "slow and wrong",
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const faults = {
      delay_ms: 250,
      score_shift: -0.1,
      fail_when: { column: "Contract", values: ["Two year", "One year"] },
    };
    assert.deepEqual(JSON.parse(r.out), { model: { name: "churn", version: "2" }, faults });

    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      const model = await load(platform, home, "churn/2");
      assert.deepEqual(model.predictor.faults, faults);
      assert.equal(model.predictor.rowScorer, undefined);
      // The copy scores like the source, shifted (where the faults let it score at all).
      const monthly = rowsWhere(telco, "Contract", "Month-to-month");
      const want = predictorFor(pkg).predict(monthly);
      const got = (await model.predictor.predict(monthly)).scores;
      for (let i = 0; i < got.length; i++)
        assert.ok(Math.abs((got[i] as number) - Math.max(0, (want[i] as number) - 0.1)) < 1e-12);
      await assert.rejects(model.predictor.predict(telco), /injected fault: Contract/);

      const mv = await platform.registry.getModelVersion({ name: "churn", version: "2" });
      assert.equal(mv.description, "slow and wrong");
      const tag = (mv.tags ?? []).find((t) => t.key === "modelworks.faults");
      assert.deepEqual(JSON.parse(tag?.value ?? "null"), faults);
      const source = await platform.registry.getModelVersion({ name: "churn", version: "1" });
      const run0 = await platform.tracking.getRun(source.run_id as string);
      const run1 = await platform.tracking.getRun(mv.run_id as string);
      assert.equal(run1.info.experiment_id, run0.info.experiment_id);
      assert.equal(run1.info.status, "FINISHED");
      assert.match(mv.source, new RegExp(`${mv.run_id}/artifacts/model$`));
      // The source version is untouched.
      assert.equal((await load(platform, home, "churn/1")).predictor.faults, undefined);
    } finally {
      await platform.close();
    }

    const human = await run(home, "fault", "churn/1", "--fail-rate", "0.5");
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /^Registered churn version 3 \(faults: \{"fail_rate":0.5\}\)$/);
  });

  test("bad or missing fault flags exit non-zero with one line naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["--delay-ms", "lots"], /--delay-ms must be a number from 0 to 60000, got 'lots'/],
      [["--delay-ms", "60001"], /--delay-ms must be a number from 0 to 60000/],
      [["--fail-rate", "1.5"], /--fail-rate must be a number from 0 to 1, got '1.5'/],
      [["--score-shift=-2"], /--score-shift must be a number from -1 to 1/],
      [["--fail-when", "Contract"], /--fail-when must be COLUMN=VALUE/],
      [["--fail-when", "Contract=a,"], /--fail-when must be COLUMN=VALUE/],
      [[], /at least one of --delay-ms, --fail-when, --fail-rate, --score-shift/],
    ];
    for (const [flags, message] of cases) {
      const r = await run(home, "fault", "churn/1", ...flags);
      assert.notEqual(r.code, 0, flags.join(" "));
      assert.match(r.err, message);
      assert.equal(r.err.split("\n").length, 1, r.err);
    }
    const noRef = await run(home, "fault", "--delay-ms", "1");
    assert.notEqual(noRef.code, 0);
    assert.match(noRef.err, /MODEL\/VERSION/);
    const unknown = await run(home, "fault", "churn/99", "--delay-ms", "1");
    assert.notEqual(unknown.code, 0);
    assert.match((await run(home, "--help")).out, /models fault MODEL\/VERSION \[--delay-ms N\]/);
  });
});

describe("modelworks models fault --tracking-uri (over HTTP)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let uri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-fault-remote-"));
    const serverHome = join(root, "server-home");
    await registerModels(serverHome, "churn", [pkg]);
    platform = await openPlatform(resolveConfig({ home: serverHome }, {}, root));
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("the faulty copy is registered on the server", async () => {
    const r = await run(
      join(root, "client-home"),
      "fault",
      "churn/1",
      "--delay-ms",
      "100",
      "--tracking-uri",
      uri,
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).model, { name: "churn", version: "2" });
    const model = await load(platform, root, "churn/2");
    assert.deepEqual(model.predictor.faults, { delay_ms: 100 });
  });
});

/** The rows of `t` whose `column` is `value`. */
function rowsWhere(t: Table, column: string, value: string): Table {
  const c = t.column(column);
  assert.ok(c);
  const rows: number[] = [];
  for (let i = 0; i < t.numRows; i++) if (valueAt(c, i) === value) rows.push(i);
  return t.take(rows);
}
