/**
 * The ids and dictionaries the compact log refers to, cached per process. Ids and codes never
 * change once given, so the caches only grow; a reader that meets one it does not know reads the
 * table again. New names and strings are added in their own statements (not inside a row batch's
 * transaction), so a concurrent writer's insert of the same one cannot fail the batch.
 */
import type { Queryable } from "../../../core/db/database.js";
import { DeploymentDictionary } from "./log-dictionary.js";

type Num = number | string;

/** How many times a new string's code is tried when concurrent writers race for codes. */
const CODE_ATTEMPTS = 20;

export interface ModelName {
  name: string;
  version: string;
}

/** Deployment and model ids and per-deployment dictionaries. */
export class LogCatalog {
  private readonly deploymentIds = new Map<string, number>();
  private readonly deploymentNames = new Map<number, string>();
  private readonly modelIds = new Map<string, number>();
  private readonly models = new Map<number, ModelName>();
  private readonly dictionaries = new Map<number, DeploymentDictionary>();

  /** A deployment's id, created when `create` (else undefined when it never logged). */
  async deploymentId(q: Queryable, name: string, create: boolean): Promise<number | undefined> {
    const known = this.deploymentIds.get(name);
    if (known !== undefined) return known;
    if (create) await q.run("INSERT INTO log_deployments (name) VALUES (?) ON CONFLICT (name) DO NOTHING", [name]);
    const row = await q.get<{ id: Num }>("SELECT id FROM log_deployments WHERE name = ?", [name]);
    if (!row) return undefined;
    this.remember(name, Number(row.id));
    return Number(row.id);
  }

  /** Every deployment that has logged, by id. */
  async deployments(q: Queryable): Promise<Map<number, string>> {
    const rows = await q.all<{ id: Num; name: string }>("SELECT id, name FROM log_deployments");
    for (const r of rows) this.remember(r.name, Number(r.id));
    return new Map(this.deploymentNames);
  }

  /** A model version's id, created when new. */
  async modelId(q: Queryable, name: string, version: string): Promise<number> {
    const key = `${name}\u0000${version}`;
    const known = this.modelIds.get(key);
    if (known !== undefined) return known;
    await q.run(
      "INSERT INTO log_models (model_name, model_version) VALUES (?, ?) ON CONFLICT (model_name, model_version) DO NOTHING",
      [name, version],
    );
    const row = await q.get<{ id: Num }>("SELECT id FROM log_models WHERE model_name = ? AND model_version = ?", [
      name,
      version,
    ]);
    if (!row) throw new Error(`log model ${name}/${version} vanished`);
    this.modelIds.set(key, Number(row.id));
    this.models.set(Number(row.id), { name, version });
    return Number(row.id);
  }

  /** The model version of an id (the table is read again when the id is new here). */
  async model(q: Queryable, id: number): Promise<ModelName> {
    let m = this.models.get(id);
    if (!m) {
      const rows = await q.all<{ id: Num; model_name: string; model_version: string }>(
        "SELECT id, model_name, model_version FROM log_models",
      );
      for (const r of rows) {
        this.models.set(Number(r.id), { name: r.model_name, version: r.model_version });
        this.modelIds.set(`${r.model_name}\u0000${r.model_version}`, Number(r.id));
      }
      m = this.models.get(id);
      if (!m) throw new Error(`log model id ${id} is not in log_models`);
    }
    return m;
  }

  /** A deployment's dictionary, with every code stored so far (read again on `refresh`). */
  async dictionary(q: Queryable, deploymentId: number, refresh = false): Promise<DeploymentDictionary> {
    let d = this.dictionaries.get(deploymentId);
    if (!d) {
      d = new DeploymentDictionary();
      this.dictionaries.set(deploymentId, d);
      refresh = true;
    }
    if (refresh) {
      const rows = await q.all<{ code: Num; value: string }>(
        "SELECT code, value FROM log_strings WHERE deployment_id = ? AND code > ? ORDER BY code",
        [deploymentId, d.maxCode],
      );
      d.learn(rows.map((r) => ({ code: Number(r.code), value: r.value })));
    }
    return d;
  }

  /** Give codes to the strings the dictionary lacks (each the next free code of the deployment). */
  async addStrings(q: Queryable, deploymentId: number, strings: Iterable<string>): Promise<void> {
    const d = await this.dictionary(q, deploymentId);
    for (const s of strings) {
      for (let attempt = 0; d.codeOf(s) === undefined; attempt++) {
        if (attempt >= CODE_ATTEMPTS) throw new Error(`no dictionary code for a string after ${attempt} attempts`);
        // Two writers may pick the same next code; the loser's insert does nothing and it tries again.
        await q.run(
          `INSERT INTO log_strings (deployment_id, code, value)
           SELECT CAST(? AS BIGINT), COALESCE(MAX(code) + 1, 0), CAST(? AS TEXT) FROM log_strings WHERE deployment_id = ?
           ON CONFLICT DO NOTHING`,
          [deploymentId, s, deploymentId],
        );
        const row = await q.get<{ code: Num }>("SELECT code FROM log_strings WHERE deployment_id = ? AND value = ?", [
          deploymentId,
          s,
        ]);
        if (row) d.learn([{ code: Number(row.code), value: s }]);
      }
    }
  }

  private remember(name: string, id: number): void {
    this.deploymentIds.set(name, id);
    this.deploymentNames.set(id, name);
  }
}
