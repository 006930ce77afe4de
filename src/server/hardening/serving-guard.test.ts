/** `modelworks serve`'s inference server with the guard: the direct /invocations path is covered; feedback is JSON only. */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import { deploymentOf, testServingApp } from "../../serving/test-support/static-runtime.js";
import { requestGuard } from "./request-guard.js";
import { rawRequest } from "./test-support/raw-request.js";

let app: FastifyInstance;
let port: number;
let body: string;

before(async () => {
  const telco = await readTable(TELCO_CSV);
  const model = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(telco, 5)) };
  body = JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] });
  ({ app } = await testServingApp(deploymentOf({ name: "churn", primary: "churn/1" }), [model], {
    requestGuard: requestGuard({ allowedHosts: ["scoring.example.com"] }),
  }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
after(() => app.close());

test("the direct /invocations path refuses a foreign Host and answers allowed ones", async () => {
  const invoke = (host: string) =>
    rawRequest(port, {
      method: "POST",
      path: "/invocations",
      headers: { host, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      body,
    });
  const refused = await invoke("attacker.example");
  assert.equal(refused.status, 403);
  assert.equal(refused.json?.error_code, "PERMISSION_DENIED");
  assert.match(String(refused.json?.message), /--allowed-hosts attacker\.example/);
  for (const host of [`127.0.0.1:${port}`, "scoring.example.com:8080"]) {
    const ok = await invoke(host);
    assert.equal(ok.status, 200, `${host}: ${ok.text}`);
    assert.equal(ok.headers["x-modelworks-model"], "churn/1");
  }
  const v2 = await rawRequest(port, { path: "/v2/models/churn", headers: { host: "attacker.example" } });
  assert.equal(v2.status, 403);
  assert.match(String(v2.json?.error), /not allowed/, "OIP's error shape under /v2");
  const ping = await rawRequest(port, { path: "/ping", headers: { host: "10.1.2.3" } });
  assert.equal(ping.status, 200);
});

test("POST /feedback takes JSON only: text/plain, forms and untyped bodies get 415 before being read", async () => {
  const feedback = JSON.stringify({ request_id: "r1", outcome: 1 });
  for (const type of [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    undefined,
  ]) {
    const r = await app.inject({
      method: "POST",
      url: "/feedback",
      payload: feedback,
      headers: type ? { "content-type": type } : {},
    });
    assert.equal(r.statusCode, 415, String(type));
    assert.equal(r.json().error_code, "UNSUPPORTED_MEDIA_TYPE");
    assert.match(r.json().message, /application\/json/);
  }
  // JSON goes through to the handler (this test app has no prediction store: 501, not 415).
  const json = await app.inject({
    method: "POST",
    url: "/feedback",
    payload: feedback,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
  assert.equal(json.statusCode, 501);
});
