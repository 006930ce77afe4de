/**
 * A RolloutService over real SQLite stores (in memory) with a settable clock and fakes that record
 * webhook calls and notifications instead of making HTTP requests.
 */
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { SqlAuditLog } from "../../auth/sql/sql-audit-log.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { ALL_MIGRATIONS } from "../../server/open-platform.js";
import { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { SqlDeploymentStore } from "../../serving/deployments/sql/sql-deployment-store.js";
import type { WebhookContext, WebhookOutcome } from "../hooks/webhook-client.js";
import type { RolloutNotice } from "../notify/notifier.js";
import type { WebhookSpec } from "../rollout.js";
import type { RolloutDeps } from "../rollout-actions.js";
import { RolloutService } from "../rollout-service.js";
import { SqlRolloutStore } from "../sql/sql-rollout-store.js";

export interface RolloutFixture {
  db: Database;
  registry: SqlRegistryStore;
  deployments: DeploymentService;
  store: SqlRolloutStore;
  service: RolloutService;
  /** Where alias restores are audited. */
  audit: SqlAuditLog;
  deps: RolloutDeps;
  /** Every webhook call, in order. */
  hookCalls: { spec: WebhookSpec; context: WebhookContext }[];
  /** Every notification, with the URL its notifier was made for. */
  notices: (RolloutNotice & { url: string })[];
  warnings: string[];
  /** The fake clock's time (ms); set it to move time. */
  time: number;
  close(): Promise<void>;
}

/** Model `name` with versions 1 and 2 (and `versions` more), `champion` → 1. */
export async function registerTwoVersions(registry: SqlRegistryStore, name: string, versions = 2): Promise<void> {
  await registry.createRegisteredModel({ name });
  for (let i = 1; i <= versions; i++) await registry.createModelVersion({ name, source: `s3://models/${name}/${i}` });
  await registry.setAlias({ name, alias: "champion", version: 1 });
}

/** A fresh world; the clock starts at `start`. */
export async function rolloutFixture(start = 1_700_000_000_000): Promise<RolloutFixture> {
  const db = openSqlite(":memory:");
  await migrate(db, ALL_MIGRATIONS);
  const f = { time: start } as RolloutFixture;
  const clock = { now: () => f.time };
  const registry = new SqlRegistryStore(db, { clock });
  const deployments = new DeploymentService({ store: new SqlDeploymentStore(db, { clock }), registry, clock });
  const store = new SqlRolloutStore(db);
  const hookCalls: RolloutFixture["hookCalls"] = [];
  const notices: RolloutFixture["notices"] = [];
  const warnings: string[] = [];
  const audit = new SqlAuditLog(db);
  const deps: RolloutDeps = {
    store,
    audit,
    deployments,
    registry,
    clock,
    // The fakes below make no request; the URLs (hooks.test, notify.test) must still be allowed.
    outbound: OutboundPolicy.parse(["*.test"]),
    callWebhook: async (spec: WebhookSpec, context: WebhookContext): Promise<WebhookOutcome> => {
      hookCalls.push({ spec, context });
      return { name: spec.name, type: spec.type, url: spec.url, passed: true, status: 200, durationMs: 1 };
    },
    notifierFor: (url: string) => ({
      notify: async (n: RolloutNotice) => {
        notices.push({ ...n, url });
      },
    }),
    warn: (m: string) => warnings.push(m),
  };
  return Object.assign(f, {
    db,
    registry,
    deployments,
    store,
    service: new RolloutService(deps),
    audit,
    deps,
    hookCalls,
    notices,
    warnings,
    close: () => db.close(),
  });
}
