import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { FIXTURES } from "../../runtimes/xgboost/test-support/fixtures.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { loadVersion } from "../../serving/model-resolver.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks models log --tracking-uri (over HTTP)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let uri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-models-log-remote-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "server-home") }, {}, root));
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("the folder is checked here, uploaded through the artifact API and registered on the server", async () => {
    const io = captureIo(join(root, "client-home"));
    const argv = ["models", "log", join(FIXTURES, "binary-booster-xgb"), "--name", "remote-xgb", "--alias", "champion"];
    assert.equal(await main([...argv, "--tracking-uri", uri, "--json"], io), 0, io.stderr.join("\n"));
    const res = JSON.parse(io.stdout.join("\n"));
    const mv = await platform.registry.getModelVersionByAlias({ name: "remote-xgb", alias: "champion" });
    assert.deepEqual([mv.version, mv.run_id], [res.version, res.run_id]);
    const loaded = await loadVersion("remote-xgb", mv.version, {
      registry: platform.registry,
      artifacts: platform.artifacts,
      cacheDir: join(root, "cache"),
      runtimes: platform.runtimes,
    });
    assert.equal(loaded.predictor.runtime, "xgboost", "the server loads what was logged");
    await loaded.close?.();

    const bad = captureIo(join(root, "client-home"));
    const code = await main(["models", "log", root, "--name", "x", "--tracking-uri", uri], bad);
    assert.equal(code, 1);
    assert.match(bad.stderr.join("\n"), /Not a model folder/);
  });
});
