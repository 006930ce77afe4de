/**
 * MLflow's basic-auth REST API, same paths and bodies, driven the way MLflow's auth client and
 * `MLFLOW_TRACKING_USERNAME`/`MLFLOW_TRACKING_PASSWORD` clients drive it; and the UI's session
 * (cookie flags, CSRF on changes).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SecureApp } from "./support/secure-app.js";
import { startSecureApp } from "./support/secure-app.js";

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

describe("MLflow's auth API and the UI session", () => {
  let s: SecureApp;
  const admin = basic("admin", "admin-password");
  const send = (method: string, url: string, authorization?: string, body?: unknown, headers = {}) =>
    s.app.inject({
      method: method as "GET",
      url,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  before(async () => {
    s = await startSecureApp();
  });
  after(() => s.close());

  test("anonymous calls get 401 with MLflow's Basic challenge", async () => {
    const res = await send("GET", "/api/2.0/mlflow/experiments/search?max_results=1");
    assert.equal(res.statusCode, 401);
    assert.match(String(res.headers["www-authenticate"]), /^Basic realm=/);
    assert.equal(res.json().error_code, "UNAUTHENTICATED");
  });

  test("users: create, get, update-password, update-admin, delete (admin; self for get and password)", async () => {
    const created = await send("POST", "/api/2.0/mlflow/users/create", admin, {
      username: "bob",
      password: "bob-password",
    });
    assert.equal(created.statusCode, 200, created.body);
    assert.deepEqual(created.json().user, {
      id: 2,
      username: "bob",
      is_admin: false,
      experiment_permissions: [],
      registered_model_permissions: [],
    });
    const bob = basic("bob", "bob-password");
    assert.equal((await send("GET", "/api/2.0/mlflow/users/get?username=bob", bob)).statusCode, 200);
    assert.equal((await send("GET", "/api/2.0/mlflow/users/get?username=admin", bob)).statusCode, 403);
    const changed = await send("PATCH", "/api/2.0/mlflow/users/update-password", bob, {
      username: "bob",
      password: "bob-new-password",
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((await send("GET", "/api/2.0/mlflow/users/get?username=bob", bob)).statusCode, 401);
    const bob2 = basic("bob", "bob-new-password");
    assert.equal((await send("GET", "/api/2.0/mlflow/users/get?username=bob", bob2)).statusCode, 200);
    assert.equal(
      (await send("PATCH", "/api/2.0/mlflow/users/update-admin", bob2, { username: "bob", is_admin: true })).statusCode,
      403,
    );
    assert.equal(
      (await send("POST", "/api/2.0/mlflow/users/create", admin, { username: "bob", password: "x-password" })).json()
        .error_code,
      "RESOURCE_ALREADY_EXISTS",
    );
  });

  test("experiment and registered-model permissions decide what a user may do", async () => {
    const bob = basic("bob", "bob-new-password");
    const exp = await send("POST", "/api/2.0/mlflow/experiments/create", admin, { name: "shared" });
    const experiment_id = exp.json().experiment_id as string;
    const grant = await send("POST", "/api/2.0/mlflow/experiments/permissions/create", admin, {
      experiment_id,
      username: "bob",
      permission: "NO_PERMISSIONS",
    });
    assert.deepEqual(grant.json(), {
      experiment_permission: { experiment_id, user_id: 2, permission: "NO_PERMISSIONS" },
    });
    const get = (who: string) => send("GET", `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`, who);
    assert.equal((await get(bob)).statusCode, 403);
    const searched = await send("POST", "/api/2.0/mlflow/experiments/search", bob, { max_results: 100 });
    assert.ok(
      !(searched.json().experiments as { experiment_id: string }[]).some((e) => e.experiment_id === experiment_id),
      "searches leave out what the caller may not read",
    );
    const other = (await send("POST", "/api/2.0/mlflow/experiments/create", admin, { name: "open" })).json()
      .experiment_id as string;
    await send("POST", "/api/2.0/mlflow/runs/create", admin, { experiment_id });
    await send("POST", "/api/2.0/mlflow/runs/create", admin, { experiment_id: other });
    const runs = await send("POST", "/api/2.0/mlflow/runs/search", bob, { experiment_ids: [experiment_id, other] });
    assert.equal(runs.statusCode, 200, runs.body);
    assert.deepEqual(
      (runs.json().runs as { info: { experiment_id: string } }[]).map((r) => r.info.experiment_id),
      [other],
      "runs of unreadable experiments are left out",
    );
    const none = await send("POST", "/api/2.0/mlflow/runs/search", bob, { experiment_ids: [experiment_id] });
    assert.equal(none.statusCode, 403);
    await send("PATCH", "/api/2.0/mlflow/experiments/permissions/update", admin, {
      experiment_id,
      username: "bob",
      permission: "EDIT",
    });
    assert.equal((await get(bob)).statusCode, 200);
    const run = await send("POST", "/api/2.0/mlflow/runs/create", bob, { experiment_id });
    assert.equal(run.statusCode, 200, "EDIT lets a user log runs");
    assert.equal(
      (await send("POST", "/api/2.0/mlflow/experiments/delete", bob, { experiment_id })).statusCode,
      403,
      "deleting needs MANAGE",
    );
    const got = await send(
      "GET",
      `/api/2.0/mlflow/experiments/permissions/get?experiment_id=${experiment_id}&username=bob`,
      admin,
    );
    assert.equal(got.json().experiment_permission.permission, "EDIT");
    // A model bob creates is his to manage, and his grants on it can be read back.
    assert.equal(
      (await send("POST", "/api/2.0/mlflow/registered-models/create", bob, { name: "bobs" })).statusCode,
      200,
    );
    const mine = await send("GET", "/api/2.0/mlflow/registered-models/permissions/get?name=bobs&username=bob", bob);
    assert.equal(mine.json().registered_model_permission.permission, "MANAGE");
    assert.equal(
      (
        await send("DELETE", "/api/2.0/mlflow/experiments/permissions/delete", admin, {
          experiment_id,
          username: "bob",
        })
      ).statusCode,
      200,
    );
    assert.equal((await send("DELETE", "/api/2.0/mlflow/users/delete", admin, { username: "bob" })).statusCode, 200);
    assert.equal((await get(bob)).statusCode, 401, "a deleted user cannot sign in");
  });

  test("the UI session: HttpOnly SameSite=Strict cookie, Secure behind TLS, CSRF value on every change", async () => {
    const signed = await send(
      "POST",
      "/api/modelworks/v1/auth/sign-in",
      undefined,
      {
        username: "admin",
        password: "admin-password",
      },
      { "x-forwarded-proto": "https" },
    );
    assert.equal(signed.statusCode, 200, signed.body);
    const cookies = ([] as string[]).concat(signed.headers["set-cookie"] ?? []);
    const session = cookies.find((c) => c.startsWith("mw_session=")) as string;
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Strict/);
    assert.match(session, /Secure/);
    const cookie = session.split(";")[0] as string;
    const csrf = signed.json().csrf_token as string;
    const me = await send("GET", "/api/modelworks/v1/auth/me", undefined, undefined, { cookie });
    assert.equal(me.json().user.username, "admin");
    const body = { name: "from-session" };
    const noCsrf = await send("POST", "/api/2.0/mlflow/experiments/create", undefined, body, { cookie });
    assert.equal(noCsrf.statusCode, 403, "a change with the cookie alone is refused (CSRF)");
    const withCsrf = await send("POST", "/api/2.0/mlflow/experiments/create", undefined, body, {
      cookie,
      "x-csrf-token": csrf,
    });
    assert.equal(withCsrf.statusCode, 200, withCsrf.body);
    const wrong = await send("POST", "/api/modelworks/v1/auth/sign-in", undefined, {
      username: "admin",
      password: "nope",
    });
    assert.equal(wrong.statusCode, 401);
    await send("POST", "/api/modelworks/v1/auth/sign-out", undefined, {}, { cookie, "x-csrf-token": csrf });
    assert.equal((await send("GET", "/api/modelworks/v1/auth/me", undefined, undefined, { cookie })).json().user, null);
  });
});
