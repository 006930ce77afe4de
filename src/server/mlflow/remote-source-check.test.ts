/** Registering a version that names a remote endpoint: only hosts the server's outbound allow-list allows. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, test } from "node:test";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { type MwError, notFound } from "../../core/errors.js";
import { registryMigrations } from "../../registry/migrations.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { TestClock } from "../../registry/sql/test-support/registry-backends.js";
import { LocalArtifactStore } from "../../tracking/artifacts/local/local-artifact-store.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import { registryHandlers } from "./registry-handlers.js";

const REMOTE = (url: string, extra = "") => `flavors:\n  remote:\n    protocol: v2\n    url: ${url}\n${extra}`;

describe("registering a remote model version", () => {
  let dir: string;
  let artifacts: LocalArtifactStore;
  let registry: SqlRegistryStore;
  const tracking = {
    getRun: async (id: string) => {
      throw notFound(`Run '${id}' not found.`);
    },
    getLoggedModel: async (id: string) => {
      throw notFound(`Logged model '${id}' not found.`);
    },
  };
  const put = (folder: string, text: string) => artifacts.put(`${folder}/MLmodel`, Readable.from([Buffer.from(text)]));
  const api = (outbound?: OutboundPolicy) =>
    registryHandlers({ registry, tracking, artifacts, ...(outbound ? { outbound } : {}) });
  const create = (outbound: OutboundPolicy | undefined, folder: string) =>
    api(outbound).createModelVersion({ name: "churn", source: `mlflow-artifacts:/${folder}` });
  const refused = (pattern: RegExp) => (e: MwError) => {
    assert.equal(e.code, "INVALID_PARAMETER_VALUE");
    assert.match(e.message, pattern);
    return true;
  };

  beforeEach(async () => {
    const db = openSqlite(":memory:");
    await migrate(db, [...trackingMigrations, ...registryMigrations]);
    dir = await mkdtemp(join(tmpdir(), "mw-remote-source-"));
    artifacts = new LocalArtifactStore(dir);
    registry = new SqlRegistryStore(db, { clock: new TestClock() });
    await registry.createRegisteredModel({ name: "churn" });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test("an allowed host registers; others, and any host without an allow-list, are refused naming the host", async () => {
    await put("ok", REMOTE("http://models.example.com/v2/models/churn"));
    await put("internal", REMOTE("http://169.254.169.254/v2/models/churn"));
    const policy = OutboundPolicy.parse(["*.example.com"]);
    const ok = await create(policy, "ok");
    assert.equal((ok as { model_version: { version: string } }).model_version.version, "1");
    await assert.rejects(
      create(policy, "internal"),
      refused(/'source': its MLmodel names a remote model at 169\.254\.169\.254, which this server may not call: host/),
    );
    await assert.rejects(create(undefined, "ok"), refused(/this server has no outbound allow-list/));
  });

  test("a flavor holding credentials or unknown settings is refused; other packages are not read for endpoints", async () => {
    await put("creds", REMOTE("http://user:pw@models.example.com/v2/models/churn"));
    await put("token", REMOTE("http://models.example.com/v2/models/churn", "    token: abc\n"));
    await put("plain", "flavors:\n  modelworks:\n    algo: gbdt\n");
    const policy = OutboundPolicy.parse(["*"]);
    await assert.rejects(
      create(policy, "creds"),
      refused(/'source': 'creds\/MLmodel': remote flavor 'url' must not hold a user or password/),
    );
    await assert.rejects(create(policy, "token"), refused(/unknown setting 'token'/));
    await create(undefined, "plain");
  });
});
