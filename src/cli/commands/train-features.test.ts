/**
 * `train --features SERVICE` on the embedded store: the service's features are joined point-in-time,
 * the join keys and time column are not model inputs, the run records the service, registry version
 * and source dataset versions and digests, and `runs reproduce` rebuilds the same training set even
 * after the definitions and the source dataset changed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readAllBytes } from "../../core/fs/read-all.js";
import { connect } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { artifactRoot } from "./training-run.js";

const DEFS = `entities:
  - name: customer
    join_keys: {customer_id: int}
sources:
  - name: usage_src
    dataset: usage
    timestamp_field: ts
    created_timestamp_column: written
feature_views:
  - name: usage
    entities: [customer]
    source: usage_src
    ttl: 30d
    features: {minutes: float, tickets: int}
feature_services:
  - name: churn
    features: [usage]
`;

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

/** Usage rows every 10 days per customer; churners use less. Training rows 5 days after a usage row. */
function data(customers: number) {
  const usage = ["customer_id,ts,written,minutes,tickets"];
  const rows = ["customer_id,event_timestamp,churned,region"];
  for (let c = 0; c < customers; c++) {
    const churner = c % 3 === 0;
    for (let k = 0; k < 6; k++) {
      const ts = T0 + k * 10 * DAY;
      const minutes = (churner ? 20 : 60) + ((c * 7 + k * 13) % 25);
      usage.push(`${c},${iso(ts)},${iso(ts + DAY)},${minutes},${(c + k) % (churner ? 5 : 2)}`);
    }
    rows.push(`${c},${iso(T0 + (10 + (c % 4) * 10 + 5) * DAY)},${churner ? "yes" : "no"},${c % 2 ? "north" : "south"}`);
  }
  return { usage: `${usage.join("\n")}\n`, rows: `${rows.join("\n")}\n` };
}

describe("modelworks train --features (embedded store)", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const file = (name: string, text: string) => {
    const p = join(home, name);
    writeFileSync(p, text);
    return p;
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-train-features-"));
    const d = data(300);
    assert.equal((await run("data", "add", file("usage.csv", d.usage), "--name", "usage")).code, 0);
    assert.equal((await run("features", "apply", file("defs.yaml", DEFS))).code, 0);
    file("rows.csv", d.rows);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("joins the service before fitting and records what it read; reproduce rebuilds the same set", async () => {
    const r = await run("train", "--data", "rows.csv", "--label", "churned", "--features", "churn", "--json");
    assert.equal(r.code, 0, r.err);
    const { run_id: runId, metrics } = JSON.parse(r.out);
    assert.ok(metrics.roc_auc > 0.9, `the usage features predict churn: roc_auc ${metrics.roc_auc}`);
    const conn = await connect({}, captureIo(home));
    try {
      const { run: tracked } = await conn.api.getRun({ run_id: runId });
      const params = Object.fromEntries((tracked.data.params ?? []).map((p) => [p.key, p.value]));
      assert.deepEqual([params.features, params.event_time], ["churn", "event_timestamp"]);
      const tags = Object.fromEntries((tracked.data.tags ?? []).map((t) => [t.key, t.value]));
      assert.equal(tags["modelworks.features.registry_version"], "1");
      assert.equal(tags["modelworks.features.sources"], "usage@1");
      assert.match(tags["modelworks.features.digest.usage"] ?? "", /^[0-9a-f]{64}$/);
      const inputs = tracked.inputs.dataset_inputs ?? [];
      assert.equal(inputs[1]?.dataset.source, "modelworks-dataset:/usage/1");
      const root = artifactRoot(tracked.info.artifact_uri);
      const signature = JSON.parse(
        (await readAllBytes((await conn.artifacts.get(`${root}/model/signature.json`)).stream)).toString(),
      );
      const inputsOfModel = signature.inputs.map((i: { name: string }) => i.name).sort();
      assert.deepEqual(inputsOfModel, ["minutes", "region", "tickets"]);
    } finally {
      await conn.close();
    }

    // The definitions and the source change; the run still reproduces from what it recorded.
    const more = data(320);
    assert.equal((await run("data", "add", file("usage2.csv", more.usage), "--name", "usage")).code, 0);
    assert.equal((await run("features", "apply", file("defs.yaml", DEFS.replace("ttl: 30d", "ttl: 1d")))).code, 0);
    const again = await run("runs", "reproduce", runId, "--json");
    assert.equal(again.code, 0, again.out + again.err);
    const report = JSON.parse(again.out);
    assert.equal(report.identical, true);
    const source = report.inputs.find((i: { what: string }) => i.what.startsWith("feature source"));
    assert.deepEqual([source.what, source.identical], ["feature source usage@1 digest", true]);
  });

  test("rows without the join keys or time column are refused before a run is created", async () => {
    const runs = async () => JSON.parse((await run("runs", "ls", "--json")).out).runs.length as number;
    const before = await runs();
    const bad = file("bad.csv", "id,when,churned\n1,2024-01-01T00:00:00Z,yes\n");
    const r = await run("train", "--data", bad, "--label", "churned", "--features", "churn");
    assert.equal(r.code, 1);
    assert.match(r.err, /no 'event_timestamp' column/);
    const r2 = await run("train", "--data", bad, "--label", "churned", "--features", "churn", "--event-time", "when");
    assert.match(r2.err, /lack the join key column\(s\) customer_id of view 'usage'/);
    assert.equal((await run("train", "--data", bad, "--label", "churned", "--event-time", "when")).code, 2);
    assert.equal(await runs(), before);
    assert.ok(before > 0);
  });
});
