/** `deployments export-log` and its API route: the log as Parquet or CSV, read back by drift and data add; bad input refused. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTableFromBuffer } from "../../data/read-table.js";
import { valueAt } from "../../data/table.js";
import type { TelcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import {
  logRequest,
  records,
  registerTelco,
  sendOutcomes,
  telcoWorld,
} from "../../monitoring/live/test-support/telco-world.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const T = Date.UTC(2026, 0, 10);
const V1 = "/api/modelworks/v1";

describe("deployments export-log", () => {
  let w: TelcoWorld;
  let app: FastifyInstance;
  let uri: string;

  const run = async (...argv: string[]) => {
    const io = captureIo(w.home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    w = await telcoWorld();
    const version = await registerTelco(w, "churn");
    await w.platform.deployments.create({ name: "prod", primary: `churn/${version}` });
    const model = { name: "churn", version };
    // 3 requests of 100 rows an hour apart; the first one labelled.
    const rows = Array.from({ length: 100 }, (_, i) => i);
    for (let k = 0; k < 3; k++) {
      const id = await logRequest(w, "prod", model, records(w, rows), T + k * 3_600_000);
      if (k === 0) await sendOutcomes(w, "prod", id, rows, T + 10_000);
    }
    app = await buildApp({ ...w.platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await w.close();
  });

  test("embedded: Parquet with typed inputs and outcomes; drift and data add read it", async () => {
    const out = join(w.home, "prod-log.parquet");
    const r = await run("deployments", "export-log", "prod", "--out", out, "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).out, out);
    const t = await readTableFromBuffer(readFileSync(out), { format: "parquet" });
    assert.equal(t.numRows, 300);
    assert.equal(t.column("tenure")?.type, "int");
    assert.equal(t.column("Contract")?.type, "string");
    assert.equal(t.column("timestamp")?.type, "timestamp");
    const outcome = t.column("outcome");
    assert.ok(outcome);
    assert.match(String(valueAt(outcome, 0)), /^(Yes|No)$/);
    assert.equal(valueAt(outcome, 150), null);

    const drift = await run("drift", "--reference", TELCO_CSV, "--current", out, "--json");
    assert.equal(drift.code, 0, drift.err);
    const report = JSON.parse(drift.out) as { columns: { column: string; drifted: boolean }[] };
    assert.ok(report.columns.some((c) => c.column === "tenure"));
    const added = await run("data", "add", out, "--name", "prod-log", "--json");
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /prod-log/);
  });

  test("over HTTP: a time range as CSV; bad input is a one-line error and a non-zero exit", async () => {
    const out = join(w.home, "hour.csv");
    const from = new Date(T + 3_600_000).toISOString();
    const r = await run(
      "deployments",
      "export-log",
      "prod",
      "--out",
      out,
      "--from",
      from,
      "--to",
      String(T + 7_200_000),
      "--tracking-uri",
      uri,
    );
    assert.equal(r.code, 0, r.err);
    const t = await readTableFromBuffer(readFileSync(out), { format: "csv" });
    assert.equal(t.numRows, 100);
    assert.equal(valueAt(t.column("timestamp") as NonNullable<ReturnType<typeof t.column>>, 0), T + 3_600_000);

    for (const remote of [[], ["--tracking-uri", uri]]) {
      const unknown = await run("deployments", "export-log", "nope", "--out", join(w.home, "x.csv"), ...remote);
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.err, /nope/);
    }
    const cases: [string[], RegExp][] = [
      [["--out", "x.xlsx"], /--out.*\.parquet or \.csv/],
      [[], /--out/],
      [["--out", "x.csv", "--from", "yesterday"], /--from.*'yesterday'/],
      [["--out", "x.csv", "--from", "2026-01-02", "--to", "2026-01-01"], /--to.*after/],
      [["--out", "x.csv", "--variant", "blue"], /--variant/],
    ];
    for (const [flags, message] of cases) {
      const bad = await run("deployments", "export-log", "prod", ...flags);
      assert.equal(bad.code, 2, bad.err);
      assert.match(bad.err, message);
    }
  });

  test("the route: a streamed file with its type and name; 4xx naming the field for bad input", async () => {
    const ok = await app.inject({ method: "GET", url: `${V1}/deployments/prod/log/export?format=csv` });
    assert.equal(ok.statusCode, 200);
    assert.match(String(ok.headers["content-type"]), /text\/csv/);
    assert.match(String(ok.headers["content-disposition"]), /attachment; filename="prod-log.csv"/);
    assert.equal(ok.body.trim().split("\n").length, 301);
    const parquet = await app.inject({ method: "GET", url: `${V1}/deployments/prod/log/export` });
    assert.equal(parquet.statusCode, 200);
    assert.equal(parquet.rawPayload.subarray(0, 4).toString(), "PAR1");

    const refused = async (query: string, status: number, message: RegExp) => {
      const res = await app.inject({ method: "GET", url: `${V1}/deployments/${query}` });
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.json().message, message);
    };
    await refused("nope/log/export", 404, /'nope'/);
    await refused("prod/log/export?from_time=soon", 400, /from_time/);
    await refused("prod/log/export?format=xlsx", 400, /format/);
    await refused("prod/log/export?variant=blue", 400, /variant/);
    await refused(`prod/log/export?from_time=${T}&to_time=${T - 1}`, 400, /'to'/);
  });
});
