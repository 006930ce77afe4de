/**
 * The `remote` flavor of an MLmodel: a model version answered by an inference endpoint the
 * platform does not run (KServe, MLServer, Triton over the Open Inference Protocol v2, or
 * `mlflow models serve` over MLflow's scoring protocol). The flavor holds where the endpoint is
 * and how to read its answers, never a credential: a bearer token comes from an environment
 * variable of the serving process, named here.
 */
import { invalidParam } from "../../core/errors.js";
import type { ModelKind } from "../runtime.js";

export const REMOTE_PROTOCOLS = ["v2", "mlflow"] as const;
export type RemoteProtocol = (typeof REMOTE_PROTOCOLS)[number];

/**
 * Token variables must carry this prefix: a registration names a variable, and the server sends its
 * value to the endpoint, so only variables an admin set for that purpose may be named (never, say,
 * AWS_SECRET_ACCESS_KEY).
 */
export const TOKEN_ENV_PREFIX = "MODELWORKS_REMOTE_TOKEN_";

export const REMOTE_DEFAULTS = { timeoutMs: 10_000, batchRows: 1000 } as const;
const MAX_TIMEOUT_MS = 300_000;
const MAX_BATCH_ROWS = 100_000;
const KINDS: readonly ModelKind[] = ["binary", "regression", "multiclass"];

/** The flavor's settings, checked. */
export interface RemoteFlavor {
  protocol: RemoteProtocol;
  /** v2: the model's URL (`.../v2/models/NAME[/versions/V]`); mlflow: the `.../invocations` URL. */
  url: string;
  /** The environment variable holding the endpoint's bearer token, if it needs one. */
  tokenEnv?: string;
  /** Longest wait for one answer (retries included). */
  timeoutMs: number;
  /** Most rows per call; bigger batches are split. */
  batchRows: number;
  /** v2: the output tensor holding the scores (default: found by name and shape). */
  output?: string;
  /** What the model predicts (default: from the endpoint's metadata). */
  task?: ModelKind;
  /** binary: [negative, positive]; multiclass: in score column order. */
  classes?: string[];
  /** binary: the label threshold (default 0.5). */
  threshold?: number;
}

const KEYS = ["protocol", "url", "token_env", "timeout_ms", "batch_rows", "output", "task", "classes", "threshold"];

/** Check a `remote` flavor as written in MLmodel; INVALID_PARAMETER_VALUE naming `where` and the setting. */
export function parseRemoteFlavor(raw: Record<string, unknown>, where: string): RemoteFlavor {
  const bad = (what: string) => invalidParam(`'${where}': remote flavor ${what}.`);
  for (const key of Object.keys(raw)) {
    if (!KEYS.includes(key)) throw bad(`has an unknown setting '${key}' (known: ${KEYS.join(", ")})`);
  }
  const protocol = raw.protocol;
  if (!REMOTE_PROTOCOLS.includes(protocol as RemoteProtocol))
    throw bad(`'protocol' must be ${REMOTE_PROTOCOLS.join(" or ")}, got ${JSON.stringify(protocol)}`);
  if (typeof raw.url !== "string") throw bad("has no 'url'");
  const problem = remoteUrlProblem(protocol as RemoteProtocol, raw.url);
  if (problem) throw bad(`'url' ${problem}`);
  const flavor: RemoteFlavor = {
    protocol: protocol as RemoteProtocol,
    url: canonicalUrl(raw.url),
    timeoutMs: intSetting(raw.timeout_ms, "timeout_ms", 1, MAX_TIMEOUT_MS, REMOTE_DEFAULTS.timeoutMs, bad),
    batchRows: intSetting(raw.batch_rows, "batch_rows", 1, MAX_BATCH_ROWS, REMOTE_DEFAULTS.batchRows, bad),
  };
  if (raw.token_env !== undefined && raw.token_env !== null) {
    const p = tokenEnvProblem(raw.token_env);
    if (p) throw bad(`'token_env' ${p}`);
    flavor.tokenEnv = raw.token_env as string;
  }
  if (raw.output !== undefined && raw.output !== null) {
    if (typeof raw.output !== "string" || raw.output === "") throw bad("'output' must be a tensor name");
    flavor.output = raw.output;
  }
  if (raw.task !== undefined && raw.task !== null) {
    if (!KINDS.includes(raw.task as ModelKind)) throw bad(`'task' must be ${KINDS.join(", ")}`);
    flavor.task = raw.task as ModelKind;
  }
  if (raw.classes !== undefined && raw.classes !== null) {
    flavor.classes = classList(raw.classes, flavor.task, bad);
  }
  if (raw.threshold !== undefined && raw.threshold !== null) {
    const t = raw.threshold;
    if (typeof t !== "number" || !(t >= 0 && t <= 1)) throw bad("'threshold' must be a number from 0 to 1");
    flavor.threshold = t;
  }
  return flavor;
}

/** The flavor as MLmodel holds it (snake_case keys, defaults left out). */
export function remoteFlavorDocument(f: RemoteFlavor): Record<string, unknown> {
  const doc: Record<string, unknown> = { protocol: f.protocol, url: f.url };
  if (f.tokenEnv) doc.token_env = f.tokenEnv;
  if (f.timeoutMs !== REMOTE_DEFAULTS.timeoutMs) doc.timeout_ms = f.timeoutMs;
  if (f.batchRows !== REMOTE_DEFAULTS.batchRows) doc.batch_rows = f.batchRows;
  if (f.output) doc.output = f.output;
  if (f.task) doc.task = f.task;
  if (f.classes) doc.classes = [...f.classes];
  if (f.threshold !== undefined) doc.threshold = f.threshold;
  return doc;
}

/**
 * Why `url` cannot name an endpoint of `protocol`, or undefined. http(s) only; no user, password,
 * query or fragment (credentials would be stored in the registry in plain text: use a token
 * variable); v2 URLs end `/v2/models/NAME[/versions/V]`, mlflow URLs end `/invocations`.
 */
export function remoteUrlProblem(protocol: RemoteProtocol, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "is not a valid URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `must be http or https, got '${u.protocol}'`;
  if (u.username !== "" || u.password !== "")
    return "must not hold a user or password (name a token variable with token_env instead)";
  if (u.search !== "" || u.hash !== "") return "must not have a query or fragment";
  const path = u.pathname.replace(/\/+$/, "");
  if (protocol === "v2" && !V2_PATH.test(path))
    return "must end with /v2/models/NAME or /v2/models/NAME/versions/VERSION";
  if (protocol === "mlflow" && !path.endsWith("/invocations")) return "must end with /invocations";
  return undefined;
}

const V2_PATH = /\/v2\/models\/[^/]+(\/versions\/[^/]+)?$/;

/** Why `name` cannot be a token variable, or undefined. */
export function tokenEnvProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || !/^[A-Z0-9_]+$/.test(name) || !name.startsWith(TOKEN_ENV_PREFIX)) {
    return `must be an environment variable name starting with ${TOKEN_ENV_PREFIX} (e.g. ${TOKEN_ENV_PREFIX}KSERVE), got ${JSON.stringify(name)}`;
  }
  if (name.length === TOKEN_ENV_PREFIX.length) return `needs a name after ${TOKEN_ENV_PREFIX}`;
  return undefined;
}

/** The URL without a trailing slash (the protocol paths are appended to it). */
function canonicalUrl(url: string): string {
  const u = new URL(url);
  u.pathname = u.pathname.replace(/\/+$/, "");
  return u.href;
}

function intSetting(
  value: unknown,
  key: string,
  min: number,
  max: number,
  fallback: number,
  bad: (what: string) => Error,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    throw bad(`'${key}' must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

function classList(value: unknown, task: ModelKind | undefined, bad: (what: string) => Error): string[] {
  if (!Array.isArray(value) || value.some((c) => typeof c !== "string" && typeof c !== "number"))
    throw bad("'classes' must be a list of class names");
  const classes = value.map(String);
  if (new Set(classes).size !== classes.length) throw bad("'classes' has a name twice");
  if (task === "regression") throw bad("'classes' makes no sense for a regression model");
  if (task === "binary" && classes.length !== 2) throw bad("'classes' of a binary model must be [negative, positive]");
  if (classes.length < 2) throw bad("'classes' needs at least two names");
  return classes;
}
