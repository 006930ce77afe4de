/** The platform API's dataset routes: uploads, JSON paths, listing, versions, diff, validation, errors. */
import assert from "node:assert/strict";
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { createPlatformClient } from "../../src/sdk/platform-client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";

const TELCO = TELCO_CSV;
const V1 = "/api/modelworks/v1";

describe("platform API: datasets", () => {
  let h: Harness;
  const telco = readFileSync(TELCO);
  const lines = telco.toString("utf8").trimEnd().split("\n");
  const smaller = Buffer.from(`${lines.slice(0, 3001).join("\n")}\n`);

  const inject = (method: "GET" | "POST", url: string, body?: string | Buffer, type?: string) =>
    h.app.inject({ method, url: V1 + url, payload: body, headers: type ? { "content-type": type } : {} });
  const objectCount = () => {
    try {
      return readdirSync(join(h.home, "objects", "sha256"), { recursive: true }).filter((f) => String(f).length > 2)
        .length;
    } catch {
      return 0;
    }
  };

  before(async () => {
    // The shared data folder is the one folder clients may name server-side files in.
    h = await startHarness({ maxUploadBytes: 4 * 1024 * 1024, dataRoots: [dirname(TELCO)] });
  });
  after(() => h.close());

  test("POST datasets with raw bytes streams an upload into a new version", async () => {
    const res = await inject("POST", "/datasets?name=churn&label=Churn", telco, "text/csv");
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.created, true);
    assert.equal(body.dataset_version.version, 1);
    assert.equal(body.dataset_version.rows, 7043);
    assert.equal(body.dataset_version.source, "upload:churn");
    const again = await inject("POST", "/datasets?name=churn", telco, "application/octet-stream");
    assert.equal(again.json().created, false);
    assert.equal(objectCount(), 1);
  });

  test("POST datasets with JSON {name, path} snapshots a server-local file", async () => {
    const res = await inject("POST", "/datasets", JSON.stringify({ name: "churn", path: TELCO }), "application/json");
    assert.equal(res.json().created, false, "same bytes as the upload");
    const other = await inject("POST", "/datasets", JSON.stringify({ name: "local", path: TELCO }), "application/json");
    assert.equal(other.statusCode, 200);
    assert.equal(other.json().dataset_version.source, TELCO);
    assert.equal(objectCount(), 1, "one stored copy for both names");
  });

  test("GET datasets, versions, one version, diff", async () => {
    await inject("POST", "/datasets?name=churn", smaller, "text/csv");
    const list = (await inject("GET", "/datasets")).json();
    assert.deepEqual(
      list.datasets.map((d: { name: string; version_count: number }) => [d.name, d.version_count]),
      [
        ["churn", 2],
        ["local", 1],
      ],
    );
    const versions = (await inject("GET", "/datasets/churn")).json();
    assert.deepEqual(
      versions.versions.map((v: { version: number }) => v.version),
      [1, 2],
    );
    const one = (await inject("GET", "/datasets/churn/versions/1")).json().dataset_version;
    assert.equal(one.schema.label, "Churn");
    assert.equal(one.profile.num_rows, 7043);
    const latest = (await inject("GET", "/datasets/churn/versions/latest")).json().dataset_version;
    assert.equal(latest.version, 2);
    const diff = (await inject("GET", "/datasets/churn/diff?a=1&b=2")).json();
    assert.deepEqual(diff.statistics.rows, { a: 7043, b: 3000, change: -4043 });
    const cross = await inject("GET", "/datasets/churn/diff?a=1&b=local@1");
    assert.equal(cross.json().identical, true);
  });

  test("POST validate with a CSV body returns the report", async () => {
    const ok = await inject("POST", "/datasets/churn/versions/1/validate", telco, "text/csv");
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().success, true);
    const bad = Buffer.from(
      `${lines[0]}\n${lines
        .slice(1, 100)
        .map((l) => l.replace(/,(Yes|No)$/, ",Maybe"))
        .join("\n")}\n`,
    );
    const failed = (await inject("POST", "/datasets/churn/versions/1/validate", bad, "text/csv")).json();
    assert.equal(failed.success, false);
    assert.ok(failed.statistics.failed > 0);
  });

  test("POST validate {stored_version} checks the platform's own snapshot of a version (no path opened)", async () => {
    const json = "application/json";
    const same = await inject("POST", "/datasets/churn/versions/1/validate", '{"stored_version": "1"}', json);
    assert.equal(same.statusCode, 200, same.body);
    assert.equal(same.json().success, true);
    // Version 2 (3,000 clean rows of the same source) passes version 1's schema: no row-count bounds (issue 21).
    const smallerOne = (
      await inject("POST", "/datasets/churn/versions/1/validate", '{"stored_version": "2"}', json)
    ).json();
    assert.equal(
      smallerOne.success,
      true,
      JSON.stringify(smallerOne.results.filter((r: { success: boolean }) => !r.success)),
    );
    // Version 3, whose labels are broken, fails it.
    const broken = lines.slice(1, 500).map((l) => l.replace(/,(Yes|No)$/, ",Maybe"));
    const added = await inject("POST", "/datasets?name=churn", `${lines[0]}\n${broken.join("\n")}\n`, "text/csv");
    assert.equal(added.json().dataset_version.version, 3, added.body);
    const brokenOne = (
      await inject("POST", "/datasets/churn/versions/1/validate", '{"stored_version": "3"}', json)
    ).json();
    assert.equal(brokenOne.success, false);
    assert.ok(brokenOne.results.some((r: { column: string; success: boolean }) => r.column === "Churn" && !r.success));
    const missing = await inject("POST", "/datasets/churn/versions/1/validate", '{"stored_version": "9"}', json);
    assert.equal(missing.statusCode, 404);
  });

  test("errors use {error_code, message} and MLflow's status map; bad uploads store nothing", async () => {
    const before = objectCount();
    const cases: [string, string, string | Buffer | undefined, string | undefined, number, string][] = [
      ["GET", "/datasets/nope", undefined, undefined, 404, "RESOURCE_DOES_NOT_EXIST"],
      ["GET", "/datasets/churn/versions/9", undefined, undefined, 404, "RESOURCE_DOES_NOT_EXIST"],
      ["GET", "/datasets/churn/versions/x", undefined, undefined, 400, "INVALID_PARAMETER_VALUE"],
      ["GET", "/datasets/churn/diff?a=1", undefined, undefined, 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/datasets", "a,b\n1,2\n", "text/csv", 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/datasets?name=bad@name", "a,b\n1,2\n", "text/csv", 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/datasets?name=empty", "", "text/csv", 400, "INVALID_PARAMETER_VALUE"],
      [
        "POST",
        "/datasets?name=bin",
        Buffer.from([0, 1, 2, 255]),
        "application/octet-stream",
        400,
        "INVALID_PARAMETER_VALUE",
      ],
      ["POST", "/datasets?name=ragged", "a,b\n1,2\n1,2,3\n", "text/csv", 400, "INVALID_PARAMETER_VALUE"],
      ["POST", "/datasets", '{"name":', "application/json", 400, "INVALID_PARAMETER_VALUE"],
      [
        "POST",
        "/datasets",
        JSON.stringify({ name: "x", path: "/no/such.csv" }),
        "application/json",
        400,
        "INVALID_PARAMETER_VALUE",
      ],
      ["POST", "/datasets/churn/versions/1/validate", "", "text/csv", 400, "INVALID_PARAMETER_VALUE"],
    ];
    for (const [method, url, body, type, status, code] of cases) {
      const res = await inject(method as "GET", url, body, type);
      assert.equal(res.statusCode, status, `${method} ${url}: ${res.body}`);
      assert.equal(res.json().error_code, code, `${method} ${url}`);
      assert.equal(typeof res.json().message, "string");
    }
    const big = await inject("POST", "/datasets?name=big", Buffer.alloc(5 * 1024 * 1024, 65), "text/csv");
    assert.equal(big.statusCode, 413);
    assert.equal(objectCount(), before);
    assert.deepEqual(readdirSync(join(h.home, "objects", "tmp")), []);
    const names = (await inject("GET", "/datasets")).json().datasets.map((d: { name: string }) => d.name);
    assert.deepEqual(names, ["churn", "local"]);
  });

  test("schema export (JSON, YAML), edited re-import, and log-input lineage", async () => {
    const added = await inject("POST", `/datasets?name=lineage`, smaller, "text/csv");
    assert.equal(added.statusCode, 200, added.body);
    const asJson = await inject("GET", "/datasets/lineage/versions/1/schema");
    assert.equal(asJson.statusCode, 200);
    const { schema } = JSON.parse(asJson.body);
    assert.ok(schema.columns.some((c: { name: string }) => c.name === "tenure"));
    const asYaml = JSON.parse((await inject("GET", "/datasets/lineage/versions/latest/schema?format=yaml")).body);
    assert.match(asYaml.text, /^version: 1$/m);
    const edited = asYaml.text.replace(/(name: tenure[\s\S]*?max: )\d+/, "$110");
    const put = await h.app.inject({
      method: "PUT",
      url: `${V1}/datasets/lineage/versions/1/schema`,
      payload: { schema: edited },
    });
    assert.equal(put.statusCode, 200, put.body);
    const report = JSON.parse(
      (await inject("POST", "/datasets/lineage/versions/1/validate", smaller, "text/csv")).body,
    );
    assert.equal(report.success, false);
    const bad = await h.app.inject({
      method: "PUT",
      url: `${V1}/datasets/lineage/versions/1/schema`,
      payload: { schema: "columns: 5" },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(JSON.parse(bad.body).error_code, "INVALID_PARAMETER_VALUE");

    const run = await h.app.inject({
      method: "POST",
      url: "/api/2.0/mlflow/runs/create",
      payload: { experiment_id: "0" },
    });
    const runId = JSON.parse(run.body).run.info.run_id;
    const logged = await h.app.inject({
      method: "POST",
      url: `${V1}/datasets/lineage/versions/1/log-input`,
      payload: { run_id: runId, context: "training" },
    });
    assert.equal(logged.statusCode, 200, logged.body);
    const got = JSON.parse((await h.app.inject({ url: `/api/2.0/mlflow/runs/get?run_id=${runId}` })).body);
    assert.equal(got.run.inputs.dataset_inputs[0].dataset.source, "modelworks-dataset:/lineage/1");
    const unknownRun = await h.app.inject({
      method: "POST",
      url: `${V1}/datasets/lineage/versions/1/log-input`,
      payload: { run_id: "0123456789abcdef0123456789abcdef" },
    });
    assert.equal(unknownRun.statusCode, 404);
  });

  test("the typed SDK client, over a real socket, streams uploads", async () => {
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const port = (h.app.server.address() as AddressInfo).port;
    const api = createPlatformClient({ baseUrl: `http://127.0.0.1:${port}` });
    const added = await api.createDataset({ name: "sdk", format: "csv" }, createReadStream(TELCO));
    assert.equal(added.dataset_version.rows, 7043);
    const shown = await api.getDatasetVersion({ name: "sdk", version: "latest" });
    assert.equal(shown.dataset_version.digest, added.dataset_version.digest);
    const report = await api.validateDataset({ name: "sdk", version: "1" }, telco);
    assert.equal(report.success, true);
    await assert.rejects(api.getDataset({ name: "nope" }), { code: "RESOURCE_DOES_NOT_EXIST", httpStatus: 404 });
    assert.ok((await api.listDatasets({})).datasets.some((d) => d.name === "sdk"));
  });
});
