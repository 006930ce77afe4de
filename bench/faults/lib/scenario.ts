/**
 * One fault's world: a fresh MODELWORKS_HOME (and, for PostgreSQL faults, a fresh database) with the
 * churn model registered twice (GBDT 200 trees as version 1 = champion, 100 trees as version 2), a
 * deployment `churn` on churn@champion logging every prediction, an experiment with one run for the
 * log-batch writes, and `up` serving it all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readTokenFile } from "../../../src/cli/client-auth.js";
import { registerModels } from "../../../src/cli/test-support/register-model.js";
import { resolveConfig } from "../../../src/core/config.js";
import { TELCO_CSV } from "../../../src/core/test-support/shared-data.js";
import { readTable } from "../../../src/data/read-table.js";
import type { ModelPackage } from "../../../src/learn/package/model-package.js";
import { fitTelcoPackage } from "../../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../../src/server/open-platform.js";
import type { BenchPostgres } from "./postgres.js";
import { pgQuery } from "./postgres.js";
import type { UpProcess } from "./up-process.js";
import { startUp } from "./up-process.js";

export const DEPLOYMENT = "churn";

/** The two model versions every scenario registers (fitted once per bench run). */
export async function fitPackages(): Promise<ModelPackage[]> {
  const telco = await readTable(TELCO_CSV);
  return [await fitTelcoPackage(telco, 200), await fitTelcoPackage(telco, 100)];
}

export interface Scenario {
  home: string;
  /** The metadata store: a SQLite file in the home, or a PostgreSQL database of its own. */
  store: { kind: "sqlite"; path: string } | { kind: "postgres"; uri: string; db: string };
  experimentId: string;
  runId: string;
  /** The running `up` (replaced by {@link restart}). */
  up: UpProcess;
  /** Start `up` again on the same home and store (after it exited). */
  restart(): Promise<void>;
  /** `Bearer <admin token>` from the home. */
  authorization: string;
  /** Stop `up` (how it ended) and remove the home unless kept. */
  finish(keep: boolean): Promise<string>;
}

/** Prepare the home and start `up` on it. `pg` given: the store is a new database `fb_<name>` there. */
export async function openScenario(
  name: string,
  packages: ModelPackage[],
  env: NodeJS.ProcessEnv,
  pg?: BenchPostgres,
): Promise<Scenario> {
  const home = mkdtempSync(join(tmpdir(), `mw-bench-faults-${name}-`));
  let store: Scenario["store"] = { kind: "sqlite", path: join(home, "modelworks.db") };
  if (pg) {
    const db = `fb_${name.replace(/[^a-z0-9]/g, "_")}`;
    await pgQuery(pg.adminUri, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await pgQuery(pg.adminUri, `CREATE DATABASE ${db}`);
    store = { kind: "postgres", uri: pg.uriOf(db), db };
  }
  const storeFlag = store.kind === "postgres" ? { store: store.uri } : {};
  await registerModels(home, "churn", packages, { champion: "1" }, store.kind === "postgres" ? store.uri : undefined);
  const platform = await openPlatform(resolveConfig({ home, ...storeFlag }, {}, home));
  let experimentId: string;
  let runId: string;
  try {
    await platform.deployments.create({ name: DEPLOYMENT, primary: "churn@champion", logSampling: 1 });
    experimentId = await platform.tracking.createExperiment({ name: `faults-${name}` });
    runId = (await platform.tracking.createRun({ experimentId })).info.run_id;
  } finally {
    await platform.close();
  }
  const args = ["--home", home, ...(store.kind === "postgres" ? ["--store", store.uri] : [])];
  let starts = 0;
  const start = () => startUp(args, env, join(home, `up-${++starts}.log`));
  const up = await start();
  const token = readTokenFile(home);
  if (!token) throw new Error(`up wrote no admin token in ${home}`);
  const scenario: Scenario = {
    home,
    store,
    experimentId,
    runId,
    up,
    restart: async () => {
      await scenario.up.stop();
      scenario.up = await start();
    },
    authorization: `Bearer ${token}`,
    finish: async (keep) => {
      const how = await scenario.up.stop();
      if (!keep) rmSync(home, { recursive: true, force: true });
      return how;
    },
  };
  return scenario;
}
