/** The `triggers` and `notify` lists of a pipeline file. */
import { urlProblem } from "../core/http/post-json.js";
import type { FieldPath, FieldReader } from "../core/yaml/yaml-fields.js";
import { ENV_NAME } from "./parse-env.js";
import type { NotifySpec, TriggerSpec } from "./pipeline-spec.js";
import { parseCron } from "./triggers/cron.js";

const ALIAS_NAME = { re: /^[A-Za-z0-9_-]{1,255}$/, what: "an alias name (letters, digits, '_', '-')" };

/** One trigger: exactly one of `cron`, `git` (with a `secret_env`), `folder`, `alert`, `registry`. */
export function readTrigger(r: FieldReader, path: FieldPath, raw: unknown): TriggerSpec | undefined {
  const o = r.object(path, raw);
  if (!o) return undefined;
  const kinds = ["cron", "git", "folder", "alert", "registry"].filter((k) => k in o);
  if (kinds.length !== 1) return r.fail(path, "expected exactly one of cron, git, folder, alert, registry");
  const kind = kinds[0] as string;
  const p = [...path, kind];
  if (kind === "cron") {
    r.knownKeys(path, o, ["cron", "timezone"]);
    const schedule = r.string(p, o.cron);
    if (schedule !== undefined) {
      // The scheduler's own parser, so a file `pipeline run` accepts is one `up` can schedule.
      try {
        parseCron(schedule);
      } catch (e) {
        return r.fail(p, `${(e as Error).message} (for example "0 3 * * *")`);
      }
    }
    const timezone = r.optionalString([...path, "timezone"], o.timezone);
    return { type: "cron", schedule: schedule ?? "", ...(timezone ? { timezone } : {}) };
  }
  r.knownKeys(path, o, [kind]);
  const body = o[kind] === null ? {} : r.object(p, o[kind]);
  if (!body) return undefined;
  if (kind === "git") {
    r.knownKeys(p, body, ["branch", "secret_env"]);
    const branch = r.optionalString([...p, "branch"], body.branch);
    if (body.secret_env === undefined) {
      return r.fail(
        [...p, "secret_env"],
        "a git trigger needs secret_env: the environment variable holding the webhook's secret (unsigned pushes are refused)",
      );
    }
    const secretEnv = r.string([...p, "secret_env"], body.secret_env, ENV_NAME);
    return secretEnv === undefined ? undefined : { type: "git", ...(branch ? { branch } : {}), secretEnv };
  }
  if (kind === "folder") {
    r.knownKeys(p, body, ["path", "pattern"]);
    const folder = r.string([...p, "path"], body.path) ?? "";
    const pattern = r.optionalString([...p, "pattern"], body.pattern);
    return { type: "folder", path: folder, ...(pattern ? { pattern } : {}) };
  }
  if (kind === "registry") {
    r.knownKeys(p, body, ["model", "alias"]);
    if (body.model === undefined) {
      return r.fail([...p, "model"], "a registry trigger needs the registered model's name (and an alias to follow)");
    }
    const model = r.string([...p, "model"], body.model);
    const alias = body.alias === undefined ? undefined : r.string([...p, "alias"], body.alias, ALIAS_NAME);
    return model === undefined ? undefined : { type: "registry", model, ...(alias ? { alias } : {}) };
  }
  r.knownKeys(p, body, ["deployment", "rule"]);
  const deployment = r.optionalString([...p, "deployment"], body.deployment);
  const rule = r.optionalString([...p, "rule"], body.rule);
  return { type: "alert", ...(deployment ? { deployment } : {}), ...(rule ? { rule } : {}) };
}

/** One notify target: `- webhook: URL` (optional `secret_env: NAME`), `- slack: URL` or `- log`. */
export function readNotify(r: FieldReader, path: FieldPath, raw: unknown): NotifySpec | undefined {
  if (raw === "log") return { type: "log" };
  if (typeof raw === "string") return r.fail(path, `expected log, webhook: URL or slack: URL, got '${raw}'`);
  const o = r.object(path, raw);
  if (!o) return undefined;
  const kinds = ["webhook", "slack", "log"].filter((k) => k in o);
  if (kinds.length !== 1) return r.fail(path, "expected exactly one of webhook, slack, log");
  const kind = kinds[0] as string;
  if (kind === "log") {
    r.knownKeys(path, o, ["log"]);
    return { type: "log" };
  }
  r.knownKeys(path, o, kind === "webhook" ? ["webhook", "secret_env"] : ["slack"]);
  const url = r.string([...path, kind], o[kind]);
  if (url !== undefined) {
    const bad = urlProblem(url);
    if (bad) return r.fail([...path, kind], bad);
  }
  if (kind === "slack") return url === undefined ? undefined : { type: "slack", url };
  const secretEnv = o.secret_env === undefined ? undefined : r.string([...path, "secret_env"], o.secret_env, ENV_NAME);
  return url === undefined ? undefined : { type: "webhook", url, ...(secretEnv ? { secretEnv } : {}) };
}
