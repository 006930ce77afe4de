/** Malformed, mistyped, oversized and hostile requests: always a 4xx MLflow error, never a 5xx. */
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Transport } from "./support/client.js";
import { expectClientError, expectError, expectOk, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";
import { rawTransport } from "./support/raw-http.js";

const T0 = 1_700_000_000_000;
const BODY_LIMIT = 256 * 1024;
const UPLOAD_LIMIT = 64 * 1024;
const SECRET = "top-secret-bytes";

describe("bad input", () => {
  let h: Harness;
  let w: Wire;
  let raw: Transport;
  let port: number;
  let runId: string;

  before(async () => {
    h = await startHarness({ bodyLimit: BODY_LIMIT, maxUploadBytes: UPLOAD_LIMIT });
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    port = (h.app.server.address() as AddressInfo).port;
    raw = rawTransport(port);
    w = new Wire(raw);
    runId = (await py.startRun(w, "0", "target", T0)).info.run_id;
    await writeFile(join(h.root, "secret.txt"), SECRET);
    await writeFile(join(h.home, "secret.txt"), SECRET);
  });
  after(() => h.close());

  const post = (path: string, body: string, type?: string) =>
    raw({ method: "POST", url: `/api/2.0${path}`, headers: type ? { "content-type": type } : {}, body });

  test("malformed JSON bodies", async () => {
    for (const body of [
      '{"name":',
      "{name: 1}",
      "nul",
      "[1,2]",
      '"just a string"',
      "123",
      "null",
      '"{\\"a\\":"',
      "\u0000",
    ]) {
      expectError(await post("/mlflow/experiments/create", body, "application/json"), 400, "INVALID_PARAMETER_VALUE");
    }
  });

  test("POST without application/json is 400 INVALID_PARAMETER_VALUE", async () => {
    const body = JSON.stringify({ name: "ct" });
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      undefined,
    ]) {
      expectError(await post("/mlflow/experiments/create", body, type), 400, "INVALID_PARAMETER_VALUE");
    }
    expectError(
      await w.get("/mlflow/experiments/get-by-name", { experiment_name: "ct" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });

  test("wrong types name the field", async () => {
    const metric = { run_id: runId, key: "m", value: 1, timestamp: T0 };
    const cases: [string, object, string][] = [
      ["/mlflow/runs/log-metric", { ...metric, value: true }, "value"],
      ["/mlflow/runs/log-metric", { ...metric, value: "lots" }, "value"],
      ["/mlflow/runs/log-metric", { ...metric, timestamp: "yesterday" }, "timestamp"],
      ["/mlflow/runs/log-metric", { ...metric, timestamp: 2 ** 63 }, "timestamp"],
      ["/mlflow/runs/log-metric", { ...metric, step: 1.5 }, "step"],
      ["/mlflow/experiments/create", { name: { a: 1 } }, "name"],
      ["/mlflow/experiments/create", { name: "typed", tags: "x" }, "tags"],
      ["/mlflow/runs/log-batch", { run_id: runId, metrics: "x" }, "metrics"],
      ["/mlflow/runs/log-batch", { run_id: runId, metrics: [{ ...metric, key: 7 }] }, "metrics[0].key"],
      ["/mlflow/runs/log-batch", { run_id: runId, params: [null] }, "params[0]"],
      ["/mlflow/runs/search", { max_results: "ten" }, "max_results"],
      ["/mlflow/runs/search", { experiment_ids: "0" }, "experiment_ids"],
      ["/mlflow/runs/update", { run_id: runId, status: "DONE" }, "status"],
      ["/mlflow/runs/update", { run_id: ["a"] }, "run_id"],
      [
        "/mlflow/model-versions/transition-stage",
        { name: "m", version: "1", stage: "Production", archive_existing_versions: "yes" },
        "archive_existing_versions",
      ],
    ];
    for (const [path, body, field] of cases) {
      const msg = expectError(await w.post(path, body), 400, "INVALID_PARAMETER_VALUE");
      assert.ok(msg.includes(`'${field}'`), `${path} ${JSON.stringify(body)}: ${msg}`);
    }
    const res = await w.get("/mlflow/metrics/get-history", { run_id: runId, metric_key: "m", max_results: "many" });
    assert.match(expectError(res, 400, "INVALID_PARAMETER_VALUE"), /'max_results'/);
  });

  test("missing required fields name the field", async () => {
    const cases: [string, object, string][] = [
      ["/mlflow/experiments/create", {}, "name"],
      ["/mlflow/runs/log-metric", { run_id: runId, value: 1, timestamp: T0 }, "key"],
      ["/mlflow/runs/log-metric", { run_id: runId, key: "m", timestamp: T0 }, "value"],
      ["/mlflow/runs/log-metric", { run_id: runId, key: "m", value: 1 }, "timestamp"],
      ["/mlflow/runs/log-metric", { key: "m", value: 1, timestamp: T0 }, "run_id"],
      ["/mlflow/runs/log-batch", { run_id: runId, metrics: [{ key: "m", value: 1 }] }, "metrics[0].timestamp"],
      ["/mlflow/registered-models/alias", { name: "m", alias: "a" }, "version"],
      ["/mlflow/model-versions/create", { name: "m" }, "source"],
    ];
    for (const [path, body, field] of cases) {
      const msg = expectError(await w.post(path, body), 400, "INVALID_PARAMETER_VALUE");
      assert.ok(msg.includes(`'${field}'`), `${path}: ${msg}`);
    }
    for (const [path, field] of [
      ["/mlflow/experiments/get-by-name", "experiment_name"],
      ["/mlflow/runs/get", "run_id"],
      ["/mlflow/registered-models/alias", "name"],
    ] as const) {
      assert.match(expectError(await w.get(path), 400, "INVALID_PARAMETER_VALUE"), new RegExp(`'${field}'`));
    }
  });

  test("unknown ids are 404 RESOURCE_DOES_NOT_EXIST", async () => {
    const nope = "0123456789abcdef0123456789abcdef";
    const gets: [string, Record<string, string>][] = [
      ["/mlflow/runs/get", { run_id: nope }],
      ["/mlflow/experiments/get", { experiment_id: "987654" }],
      ["/mlflow/registered-models/get", { name: "nope" }],
      ["/mlflow/model-versions/get", { name: "nope", version: "1" }],
      ["/mlflow/model-versions/get-download-uri", { name: "nope", version: "1" }],
      ["/mlflow/artifacts/list", { run_id: nope }],
      ["/mlflow/metrics/get-history", { run_id: nope, metric_key: "m" }],
    ];
    for (const [path, q] of gets) expectError(await w.get(path, q), 404, "RESOURCE_DOES_NOT_EXIST");
    const posts: [string, object][] = [
      ["/mlflow/runs/log-metric", { run_id: nope, key: "m", value: 1, timestamp: T0 }],
      ["/mlflow/runs/create", { experiment_id: "987654" }],
      ["/mlflow/registered-models/alias", { name: "nope", alias: "a", version: "1" }],
      ["/mlflow/model-versions/create", { name: "nope", source: "mlflow-artifacts:/0/x/artifacts/model" }],
    ];
    for (const [path, body] of posts) expectError(await w.post(path, body), 404, "RESOURCE_DOES_NOT_EXIST");
    const file = await raw({ method: "GET", url: "/api/2.0/mlflow-artifacts/artifacts/0/nope/artifacts/x.bin" });
    expectError(file, 404, "RESOURCE_DOES_NOT_EXIST");
  });

  test("paths through a file are missing, not 5xx", async () => {
    const base = `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts`;
    const headers = { "content-type": "text/plain" };
    expectOk(await raw({ method: "PUT", url: `${base}/a.txt`, headers, body: "file" }));
    expectOk(await raw({ method: "DELETE", url: `${base}/a.txt/x` }));
    expectError(await raw({ method: "GET", url: `${base}/a.txt/x` }), 404, "RESOURCE_DOES_NOT_EXIST");
    expectClientError(await raw({ method: "PUT", url: `${base}/a.txt/x`, headers, body: "y" }));
    expectOk(await w.get("/mlflow-artifacts/artifacts", { path: `0/${runId}/artifacts/a.txt/x` }));
    const file = await raw({ method: "GET", url: `${base}/a.txt` });
    assert.equal(file.status, 200);
    assert.equal(file.text, "file");
  });

  test("log-batch over the limits is refused whole", async () => {
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: "big", value: i, timestamp: T0 }));
    expectError(await w.post("/mlflow/runs/log-batch", { run_id: runId, metrics }), 400, "INVALID_PARAMETER_VALUE");
    const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "v" }));
    expectError(await w.post("/mlflow/runs/log-batch", { run_id: runId, params }), 400, "INVALID_PARAMETER_VALUE");
    const history = await w.ok("GET", "/mlflow/metrics/get-history", { run_id: runId, metric_key: "big" });
    assert.deepEqual(history, {});
  });

  test("bodies over the limit are 413", async () => {
    const json = JSON.stringify({ name: "x".repeat(BODY_LIMIT) });
    expectError(await post("/mlflow/experiments/create", json, "application/json"), 413, "PAYLOAD_TOO_LARGE");
    const url = `/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/big.bin`;
    const bytes = Buffer.alloc(UPLOAD_LIMIT + 1, 7);
    const headers = { "content-type": "application/octet-stream" };
    expectError(await raw({ method: "PUT", url, headers, body: bytes }), 413, "PAYLOAD_TOO_LARGE");
    const chunked = rawTransport(port, { chunked: true });
    expectError(await chunked({ method: "PUT", url, headers, body: bytes }), 413, "PAYLOAD_TOO_LARGE");
    expectError(await raw({ method: "GET", url }), 404, "RESOURCE_DOES_NOT_EXIST");
    expectOk(await chunked({ method: "PUT", url, headers, body: bytes.subarray(0, UPLOAD_LIMIT) }));
  });

  test("a param re-logged with another value is refused; the same value is fine", async () => {
    await py.logParam(w, runId, "p", "1");
    await py.logParam(w, runId, "p", "1");
    const again = { run_id: runId, key: "p", value: "2" };
    expectError(await w.post("/mlflow/runs/log-parameter", again), 400, "INVALID_PARAMETER_VALUE");
    const batch = { run_id: runId, params: [{ key: "p", value: "3" }] };
    expectError(await w.post("/mlflow/runs/log-batch", batch), 400, "INVALID_PARAMETER_VALUE");
    const dup = {
      run_id: runId,
      params: [
        { key: "q", value: "1" },
        { key: "q", value: "1" },
      ],
    };
    expectError(await w.post("/mlflow/runs/log-batch", dup), 400, "INVALID_PARAMETER_VALUE");
  });

  test("invalid keys", async () => {
    for (const key of ["../x", "/abs", "a//b", "a/./b", "trailing/", "bad!", "semi;colon", "x".repeat(251), ""]) {
      const metric = { run_id: runId, key, value: 1, timestamp: T0 };
      expectError(await w.post("/mlflow/runs/log-metric", metric), 400, "INVALID_PARAMETER_VALUE");
      expectError(
        await w.post("/mlflow/runs/log-parameter", { ...metric, value: "v" }),
        400,
        "INVALID_PARAMETER_VALUE",
      );
      expectError(await w.post("/mlflow/runs/set-tag", { ...metric, value: "v" }), 400, "INVALID_PARAMETER_VALUE");
    }
  });

  test("filter and order_by syntax errors are 400", async () => {
    const filters = [
      "metrics.acc >",
      "metrics.acc > 1 OR params.x = 'a'",
      "(metrics.acc > 1)",
      "NOT metrics.acc > 1",
      "foo.bar = 1",
      "params.x > 'a'",
      "metrics.acc = 'a'",
      "run_name IN ('a')",
      "attributes.status = FAILED",
      "params.x = 'unterminated",
      "metrics.acc > 1 and or",
      "tags.x LIKE",
      "attributes.start_time > 'soon'",
      "metrics.`acc > 1",
      ";DROP TABLE runs",
    ];
    for (const filter of filters) {
      expectError(await w.post("/mlflow/runs/search", { filter }), 400, "INVALID_PARAMETER_VALUE");
    }
    for (const order_by of [["metrics.acc SIDEWAYS"], ["nope.x"], ["metrics."], ["start_time DESC ASC"]]) {
      expectError(await w.post("/mlflow/runs/search", { order_by }), 400, "INVALID_PARAMETER_VALUE");
    }
    expectClientError(await w.get("/mlflow/registered-models/search", { filter: "name ~ 'x'" }));
    expectClientError(await w.get("/mlflow/model-versions/search", { filter: "run_id IN 'x'" }));
    expectClientError(await w.post("/mlflow/experiments/search", { filter: "bogus" }));
    expectClientError(await w.post("/mlflow/runs/search", { page_token: "not-a-token" }));
  });

  test("path traversal on the artifact routes", async () => {
    const hostile = [
      "../secret.txt",
      "../../secret.txt",
      `0/${runId}/../../../secret.txt`,
      "%2e%2e/secret.txt",
      "%2e%2e/%2e%2e/secret.txt",
      "%252e%252e/secret.txt",
      "%252e%252e/%252e%252e/secret.txt",
      "..%2fsecret.txt",
      "..%252fsecret.txt",
      "..%5csecret.txt",
      "%2Fetc%2Fpasswd",
      "/etc/passwd",
      `${h.root}/secret.txt`,
      "a/%00/b",
    ];
    const base = "/api/2.0/mlflow-artifacts/artifacts";
    for (const p of hostile) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const body = method === "PUT" ? Buffer.from("pwned") : undefined;
        const res = await raw({ method, url: `${base}/${p}`, headers: { "content-type": "text/plain" }, body });
        expectClientError(res, `${method} ${p}`);
        assert.ok(!res.text.includes(SECRET), `${method} ${p} leaked the secret`);
      }
      const listing = await raw({ method: "GET", url: `${base}?path=${p}` });
      expectClientError(listing, `list ${p}`);
      const viaTracking = await w.get("/mlflow/artifacts/list", { run_id: runId, path: decodeURIComponent(p) });
      expectClientError(viaTracking, `artifacts/list ${p}`);
    }
    assert.deepEqual((await readdir(h.root)).sort(), ["home", "secret.txt"]);
    assert.equal(await readFile(join(h.root, "secret.txt"), "utf8"), SECRET);
    assert.equal(await readFile(join(h.home, "secret.txt"), "utf8"), SECRET);
  });

  test("model version sources with traversal are refused", async () => {
    await py.setExperiment(w, "sources");
    expectOk(await w.post("/mlflow/registered-models/create", { name: "src" }));
    for (const source of ["mlflow-artifacts:/0/../../etc", "mlflow-artifacts:/0/%2e%2e/x", "file:///etc/passwd%00"]) {
      expectError(
        await w.post("/mlflow/model-versions/create", { name: "src", source }),
        400,
        "INVALID_PARAMETER_VALUE",
      );
    }
  });
});
