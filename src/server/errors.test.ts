import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveConfig } from "../core/config.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { buildApp } from "./app.js";
import { AUTH_OFF } from "./auth/auth-gate.js";
import { openPlatform } from "./open-platform.js";

test("a 5xx carries the request id (the client's, or a new one) and is logged once with it, each on its own line, secrets redacted", async () => {
  const root = await mkdtemp(join(tmpdir(), "mw-errors-"));
  const platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
  const failing: ArtifactStore = {
    ...platform.artifacts,
    list: async () => {
      throw new Error("disk gone at postgresql://svc:hunter2@db.internal/mw");
    },
  };
  const lines: string[] = [];
  const app = await buildApp({
    ...platform,
    artifacts: failing,
    auth: AUTH_OFF,
    version: "t",
    log: (l) => lines.push(l),
  });
  try {
    const mine = await app.inject({
      url: "/api/2.0/mlflow-artifacts/artifacts?path=0",
      headers: { "x-request-id": "trace-42" },
    });
    assert.equal(mine.statusCode, 500);
    assert.equal(mine.headers["x-request-id"], "trace-42");
    assert.deepEqual(mine.json(), {
      error_code: "INTERNAL_ERROR",
      message: "Internal server error",
      request_id: "trace-42",
    });
    const theirs = await app.inject({
      url: "/api/2.0/mlflow-artifacts/artifacts?path=0",
      headers: { "x-request-id": "bad id!" },
    });
    const id = theirs.json().request_id as string;
    assert.match(id, /^[0-9a-f-]{36}$/, "an unusable id is replaced");
    assert.equal(lines.length, 2, "each 5xx has its line, the same failure again too");
    assert.match(
      lines[0] as string,
      /^error 500 INTERNAL_ERROR request trace-42 GET \/api\/2\.0\/mlflow-artifacts\/artifacts: disk gone/,
    );
    assert.match(lines[1] as string, new RegExp(`^error 500 INTERNAL_ERROR request ${id} GET `));
    for (const line of lines) assert.ok(!line.includes("hunter2"), line);
    const ok = await app.inject({ url: "/health" });
    assert.equal(ok.statusCode, 200);
  } finally {
    await app.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  }
});
