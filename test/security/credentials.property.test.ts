/**
 * Random credentials and bodies against every route of the secure app: nothing answers 5xx (501
 * for unsupported features aside), and no route that needs a caller answers 2xx to a request
 * without valid credentials. Replay with MODELWORKS_FUZZ_SEED=<seed in the test name>.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { DeclaredRoute } from "../../src/server/auth/auth-gate.js";
import type { SecureApp } from "./support/secure-app.js";
import { startSecureApp } from "./support/secure-app.js";

const SEED = Number(process.env.MODELWORKS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const NUM_RUNS = Number(process.env.MODELWORKS_FUZZ_RUNS ?? 300);

/** Authorization headers that are not valid credentials here: junk, forged tokens, wrong passwords. */
const badAuthorization = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 80 }),
  fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `Bearer mwt_${s}`),
  fc
    .tuple(fc.constantFrom("admin", "reader", "x", ""), fc.string({ maxLength: 30 }))
    .map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`),
  fc.string({ maxLength: 40 }).map((s) => `Basic ${s}`),
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc
    .dictionary(
      fc.constantFrom("name", "experiment_id", "run_id", "username", "password", "permission", "version", "path"),
      fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)),
    )
    .map((d) => JSON.stringify(d)),
);

describe(`random credentials and bodies on every route (seed ${SEED})`, () => {
  let s: SecureApp;
  let routes: DeclaredRoute[];

  before(async () => {
    s = await startSecureApp();
    routes = s.app.declaredRoutes.filter((r) => r.method !== "HEAD");
  });
  after(() => s.close());

  test("no 5xx, and no 2xx without valid credentials except on public routes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: routes.length - 1 }),
        badAuthorization,
        body,
        fc.constantFrom("application/json", "text/plain", undefined),
        fc.string({ maxLength: 12 }).map((x) => encodeURIComponent(x) || "x"),
        async (i, authorization, payload, type, segment) => {
          const r = routes[i] as DeclaredRoute;
          const url = r.url.replace(/:(\w+)/g, segment).replace("*", `0/${segment}`);
          const res = await s.app.inject({
            method: r.method as "GET",
            url,
            headers: {
              ...(authorization !== undefined ? { authorization } : {}),
              ...(type !== undefined && payload !== undefined ? { "content-type": type } : {}),
            },
            ...(payload !== undefined && r.method !== "GET" ? { payload } : {}),
          });
          assert.ok(
            res.statusCode < 500 || res.statusCode === 501 || res.statusCode === 503,
            `${r.method} ${url}: ${res.statusCode} ${res.body}`,
          );
          if (r.access.kind !== "public")
            assert.ok(res.statusCode >= 300, `${r.method} ${url} answered ${res.statusCode} without credentials`);
        },
      ),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
