/**
 * Finding 1 of the security review, replayed against the whole HTTP surface with authentication
 * on: what an anonymous client (or one with a forged token) did to a populated platform is now
 * refused, a reader cannot change what it may only read, and every change names who made it.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { fitTelcoPackage } from "../../src/learn/test-support/telco-models.js";
import type { SecureApp } from "./support/secure-app.js";
import { addUser, startSecureApp } from "./support/secure-app.js";

describe("finding 1: no anonymous path to production", () => {
  let s: SecureApp;
  let experimentId: string;
  let runId: string;

  const call = (method: string, url: string, who?: string, body?: unknown) =>
    s.app.inject({
      method: method as "GET",
      url,
      headers: {
        ...(who ? { authorization: s.auth[who] ?? who } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  before(async () => {
    s = await startSecureApp();
    const telco = await readTable(TELCO_CSV);
    const pkg = await fitTelcoPackage(telco, 3);
    await registerModels(s.home, "churn", [pkg, pkg], { champion: "1" });
    await s.platform.deployments.create({ name: "churn", primary: "churn@champion" });
    experimentId = await s.platform.tracking.createExperiment({ name: "exp" });
    runId = (await s.platform.tracking.createRun({ experimentId })).info.run_id;
    await s.platform.artifacts.put(
      `${experimentId}/${runId}/artifacts/a.txt`,
      (await import("node:stream")).Readable.from(["x"]),
    );
    await addUser(s, "reader");
    await addUser(s, "editor");
    const editor = await s.platform.authService.getUser("editor");
    await s.platform.authService.setGrant({
      resourceType: "deployment",
      resourceId: "churn",
      userId: editor.id,
      permission: "edit",
    });
    await s.platform.authService.setGrant({
      resourceType: "registered_model",
      resourceId: "churn",
      userId: editor.id,
      permission: "edit",
    });
  });
  after(() => s.close());

  test("anonymous and forged-token callers are refused (401) and nothing changes", async () => {
    for (const who of [undefined, "Bearer mwt_forged", "Basic YWRtaW46cGFzc3dvcmQ="]) {
      const attempts = [
        call("DELETE", "/api/modelworks/v1/deployments/churn", who),
        call("POST", "/api/2.0/mlflow/experiments/delete", who, { experiment_id: experimentId }),
        call("DELETE", `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/a.txt`, who),
        call("POST", "/api/2.0/mlflow/registered-models/alias", who, {
          name: "churn",
          alias: "champion",
          version: "2",
        }),
        call("PUT", "/api/modelworks/v1/datasets/telco/versions/1/schema", who, { schema: "{}" }),
        call("GET", "/api/modelworks/v1/deployments/churn/rollout", who),
      ];
      for (const res of await Promise.all(attempts)) assert.equal(res.statusCode, 401, `${who}: ${res.body}`);
    }
    assert.equal((await s.platform.deployments.get("churn")).name, "churn");
    assert.equal((await s.platform.tracking.getExperiment(experimentId)).lifecycle_stage, "active");
    assert.ok(await s.platform.artifacts.stat(`${experimentId}/${runId}/artifacts/a.txt`));
    const alias = await s.platform.registry.getModelVersionByAlias({ name: "churn", alias: "champion" });
    assert.equal(alias.version, "1");
  });

  test("a reader reads but cannot delete, promote or retarget (403)", async () => {
    assert.equal((await call("GET", "/api/modelworks/v1/deployments/churn", "reader")).statusCode, 200);
    const refused = await Promise.all([
      call("DELETE", "/api/modelworks/v1/deployments/churn", "reader"),
      call("PATCH", "/api/modelworks/v1/deployments/churn", "reader", { candidate: "churn/2", weight: 100 }),
      call("POST", "/api/2.0/mlflow/registered-models/alias", "reader", {
        name: "churn",
        alias: "champion",
        version: "2",
      }),
      call("POST", "/api/2.0/mlflow/experiments/delete", "reader", { experiment_id: experimentId }),
      call("POST", "/api/2.0/mlflow/users/create", "reader", { username: "mallory", password: "mallory-password" }),
    ]);
    for (const res of refused) assert.equal(res.statusCode, 403, res.body);
    assert.equal((await s.platform.deployments.get("churn")).candidate, undefined);
  });

  test("an editor's changes are audited with who, what, before and after; events name the actor", async () => {
    const moved = await call("POST", "/api/2.0/mlflow/registered-models/alias", "editor", {
      name: "churn",
      alias: "champion",
      version: "2",
    });
    assert.equal(moved.statusCode, 200, moved.body);
    const weighted = await call("PATCH", "/api/modelworks/v1/deployments/churn", "editor", {
      candidate: "churn/1",
      weight: 10,
    });
    assert.equal(weighted.statusCode, 200, weighted.body);
    const deleting = await call("DELETE", "/api/modelworks/v1/deployments/churn", "editor");
    assert.equal(deleting.statusCode, 403, "deleting needs MANAGE");
    // The audit record is written once the answer is out.
    await new Promise((r) => setTimeout(r, 50));
    const audit = await call("GET", "/api/modelworks/v1/audit?limit=10", "admin");
    const records = (JSON.parse(audit.body) as { records: Record<string, unknown>[] }).records;
    const alias = records.find((r) => r.action === "setRegisteredModelAlias");
    assert.ok(alias, JSON.stringify(records));
    assert.equal(alias.actor, "editor");
    assert.equal(alias.target, "churn");
    assert.deepEqual((alias.before as { aliases: { alias: string; version: string }[] }).aliases, [
      { alias: "champion", version: "1" },
    ]);
    assert.deepEqual((alias.after as { aliases: { alias: string; version: string }[] }).aliases, [
      { alias: "champion", version: "2" },
    ]);
    const denied = records.find((r) => r.action === "deleteDeployment");
    assert.equal(denied?.status, 403, "refused attempts are audited too");
    assert.equal(denied?.actor, "editor");
    assert.equal((await call("GET", "/api/modelworks/v1/audit", "reader")).statusCode, 403, "admins only");
    const events = await s.platform.deployments.events("churn");
    const updated = events.find((e) => e.type === "updated");
    assert.equal(updated?.data?.actor, "editor");
  });

  test("secrets never reach the audit log", async () => {
    const created = await call("POST", "/api/2.0/mlflow/users/create", "admin", {
      username: "carol",
      password: "carol-secret-password",
    });
    assert.equal(created.statusCode, 200, created.body);
    await new Promise((r) => setTimeout(r, 50));
    const audit = await call("GET", "/api/modelworks/v1/audit?target_type=user", "admin");
    assert.ok(!audit.body.includes("carol-secret-password"));
    assert.match(audit.body, /"password":"\*\*\*"/);
  });

  test("secret URLs (a deployment's rollout notify URL) never reach the audit log", async () => {
    const secret = "https://hooks.slack.com/services/T0000/B0000/XoXsEcReTtOkEn42";
    // Refused (no outbound host is allowed here), and audited all the same: with the URL redacted.
    const res = await call("PATCH", "/api/modelworks/v1/deployments/churn", "admin", {
      rollout: { notify_url: secret },
    });
    assert.equal(res.statusCode, 400, res.body);
    await new Promise((r) => setTimeout(r, 50));
    const audit = await call("GET", "/api/modelworks/v1/audit?target_type=deployment&target=churn", "admin");
    assert.match(audit.body, /updateDeployment/);
    assert.match(audit.body, /hooks\.slack\.com/);
    assert.ok(!audit.body.includes("XoXsEcReTtOkEn42"), audit.body);
  });
});
