/**
 * Parse and validate a pipeline YAML file into a {@link PipelineSpec}. Every problem names the line
 * and the field (`churn.yaml:14: steps[2].retries.limit: expected ...`); all problems are reported at once.
 */
import { basename } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { parseDuration } from "../core/duration.js";
import { invalidParam } from "../core/errors.js";
import { urlProblem } from "../core/http/post-json.js";
import { dependentsOf, findCycle } from "./dag.js";
import type { NotifySpec, PipelineSpec, RetrySpec, StepSpec, StepType, TriggerSpec } from "./pipeline-spec.js";
import { STEP_TYPES } from "./pipeline-spec.js";
import { referencesIn } from "./substitute.js";
import { parseCron } from "./triggers/cron.js";
import type { FieldPath } from "./yaml-fields.js";
import { FieldReader } from "./yaml-fields.js";

const TOP_KEYS = ["name", "description", "params", "concurrency", "triggers", "steps", "notify"] as const;
const STEP_KEYS = ["name", "type", "needs", "with", "run", "inputs", "outputs", "when", "retries", "timeout", "cache"];
const RETRY_KEYS = ["limit", "backoff", "factor", "max_backoff"];
const NAME = { re: /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/, what: "a name of letters, digits, '_' and '-'" };
const PIPELINE_NAME = { re: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, what: "a name of letters, digits, '_', '.' and '-'" };

/** Defaults for fields a step leaves out. */
export const STEP_DEFAULTS = {
  retries: { limit: 0, backoffMs: 1000, factor: 2, maxBackoffMs: 60_000 } satisfies RetrySpec,
  timeoutMs: 3_600_000,
  cache: false,
};

/** Parse pipeline YAML; `file` names the source in messages. Throws invalidParam listing every problem. */
export function parsePipeline(text: string, file = "pipeline.yaml"): PipelineSpec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const label = basename(file);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? 1;
    throw invalidParam(`${label}:${line}: not valid YAML: ${e?.message.split("\n")[0]}`);
  }
  const r = new FieldReader(label, doc, lines);
  const spec = readPipeline(r, doc.toJS({ maxAliasCount: 100 }));
  if (r.problems.length > 0 || !spec) throw invalidParam(r.problems.join("\n") || `${label}: empty pipeline file`);
  return spec;
}

function readPipeline(r: FieldReader, raw: unknown): PipelineSpec | undefined {
  const top = r.object([], raw);
  if (!top) return undefined;
  r.knownKeys([], top, TOP_KEYS);
  const name = r.string(["name"], top.name, PIPELINE_NAME) ?? "";
  const description = r.optionalString(["description"], top.description);
  const params = top.params === undefined ? {} : (r.object(["params"], top.params) ?? {});
  const concurrency = r.oneOf(["concurrency"], top.concurrency, ["queue", "skip"] as const, "queue");
  const triggers = readList(r, ["triggers"], top.triggers, (p, v) => readTrigger(r, p, v));
  if (!Array.isArray(top.steps) || top.steps.length === 0) r.fail(["steps"], "expected a non-empty list of steps");
  const steps = readList(r, ["steps"], top.steps, (p, v) => readStep(r, p, v));
  const notify = readList(r, ["notify"], top.notify, (p, v) => readNotify(r, p, v));
  checkGraph(r, steps, params);
  return {
    name,
    ...(description ? { description } : {}),
    params,
    concurrency,
    triggers,
    steps,
    ...(notify.length > 0 ? { notify } : {}),
  };
}

function readList<T>(
  r: FieldReader,
  path: FieldPath,
  value: unknown,
  read: (p: FieldPath, v: unknown) => T | undefined,
) {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return r.fail(path, "expected a list") ?? [];
  const out: T[] = [];
  value.forEach((item, i) => {
    const parsed = read([...path, i], item);
    if (parsed !== undefined) out.push(parsed);
  });
  return out;
}

function readStep(r: FieldReader, path: FieldPath, raw: unknown): StepSpec | undefined {
  const o = r.object(path, raw);
  if (!o) return undefined;
  r.knownKeys(path, o, STEP_KEYS);
  const name = r.string([...path, "name"], o.name, NAME) ?? `#${path[1]}`;
  let type: StepType | "" = "";
  if (o.type === undefined) r.fail([...path, "type"], `missing (expected one of ${STEP_TYPES.join(", ")})`);
  else type = r.oneOf<StepType | "">([...path, "type"], o.type, [...STEP_TYPES], "") ?? "";
  const run = o.run === undefined ? undefined : r.stringList([...path, "run"], o.run);
  if (type === "command" && (!run || run.length === 0)) {
    r.fail([...path, "run"], "a command step needs run: a list of strings (the executable and its arguments)");
  }
  if (type !== "command" && type !== "" && o.run !== undefined) r.fail([...path, "run"], "only command steps take run");
  const withValue = o.with === undefined ? {} : (r.object([...path, "with"], o.with) ?? {});
  const when =
    o.when === undefined
      ? undefined
      : typeof o.when === "boolean"
        ? String(o.when)
        : r.string([...path, "when"], o.when);
  return {
    name,
    type: (type || "command") as StepType,
    needs: r.stringList([...path, "needs"], o.needs),
    with: withValue,
    ...(run ? { run } : {}),
    inputs: r.stringList([...path, "inputs"], o.inputs),
    outputs: r.stringList([...path, "outputs"], o.outputs),
    ...(when !== undefined ? { when } : {}),
    retries: readRetries(r, [...path, "retries"], o.retries),
    timeoutMs: r.duration([...path, "timeout"], o.timeout, STEP_DEFAULTS.timeoutMs, (t) =>
      positive(parseDuration("timeout", t)),
    ),
    cache: r.boolean([...path, "cache"], o.cache, STEP_DEFAULTS.cache),
    line: r.lineOf(path),
  };
}

function positive(ms: number): number {
  if (ms <= 0) throw new Error("not positive");
  return ms;
}

function readRetries(r: FieldReader, path: FieldPath, raw: unknown): RetrySpec {
  const d = STEP_DEFAULTS.retries;
  if (raw === undefined) return { ...d };
  // `retries: 3` is shorthand for the limit.
  if (typeof raw === "number") return { ...d, limit: r.wholeNumber(path, raw, 0, 10, 0) };
  const o = r.object(path, raw);
  if (!o) return { ...d };
  r.knownKeys(path, o, RETRY_KEYS);
  return {
    limit: r.wholeNumber([...path, "limit"], o.limit, 0, 10, d.limit),
    backoffMs: r.duration([...path, "backoff"], o.backoff, d.backoffMs, (t) => parseDuration("backoff", t)),
    factor: r.number([...path, "factor"], o.factor, 1, 10, d.factor),
    maxBackoffMs: r.duration([...path, "max_backoff"], o.max_backoff, d.maxBackoffMs, (t) =>
      parseDuration("max_backoff", t),
    ),
  };
}

function readTrigger(r: FieldReader, path: FieldPath, raw: unknown): TriggerSpec | undefined {
  const o = r.object(path, raw);
  if (!o) return undefined;
  const kinds = ["cron", "git", "folder", "alert"].filter((k) => k in o);
  if (kinds.length !== 1) return r.fail(path, "expected exactly one of cron, git, folder, alert");
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
    const secretEnv = r.optionalString([...p, "secret_env"], body.secret_env);
    return { type: "git", ...(branch ? { branch } : {}), ...(secretEnv ? { secretEnv } : {}) };
  }
  if (kind === "folder") {
    r.knownKeys(p, body, ["path", "pattern"]);
    const folder = r.string([...p, "path"], body.path) ?? "";
    const pattern = r.optionalString([...p, "pattern"], body.pattern);
    return { type: "folder", path: folder, ...(pattern ? { pattern } : {}) };
  }
  r.knownKeys(p, body, ["deployment", "rule"]);
  const deployment = r.optionalString([...p, "deployment"], body.deployment);
  const rule = r.optionalString([...p, "rule"], body.rule);
  return { type: "alert", ...(deployment ? { deployment } : {}), ...(rule ? { rule } : {}) };
}

/** `- webhook: URL` (optional `secret_env: NAME`), `- slack: URL` or `- log`. */
function readNotify(r: FieldReader, path: FieldPath, raw: unknown): NotifySpec | undefined {
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
  const secretEnv = r.optionalString([...path, "secret_env"], o.secret_env);
  return url === undefined ? undefined : { type: "webhook", url, ...(secretEnv ? { secretEnv } : {}) };
}

/** Unique names, known `needs`, no cycles, and references only to declared params and upstream steps. */
function checkGraph(r: FieldReader, steps: StepSpec[], params: Record<string, unknown>): void {
  const seen = new Map<string, number>();
  steps.forEach((s, i) => {
    const first = seen.get(s.name);
    if (first !== undefined) r.fail(["steps", i, "name"], `duplicate step name '${s.name}' (also steps[${first}])`);
    else seen.set(s.name, i);
  });
  steps.forEach((s, i) => {
    s.needs.forEach((n, j) => {
      if (!seen.has(n)) r.fail(["steps", i, "needs", j], `no step named '${n}'`);
      if (n === s.name) r.fail(["steps", i, "needs", j], "a step cannot need itself");
    });
  });
  const cycle = findCycle(steps);
  if (cycle) {
    const at = seen.get(cycle[0] as string) ?? 0;
    r.fail(["steps", at, "needs"], `dependency cycle: ${cycle.join(" → ")}`);
    return;
  }
  steps.forEach((s, i) => {
    const upstream = new Set(steps.filter((o) => dependentsOf(steps, o.name).has(s.name)).map((o) => o.name));
    const fields: [string, unknown][] = [
      ["with", s.with],
      ["run", s.run],
      ["inputs", s.inputs],
      ["outputs", s.outputs],
      ["when", s.when],
    ];
    for (const [field, value] of fields) {
      for (const ref of referencesIn(value)) {
        if (ref.kind === "params" && !(ref.name in params)) {
          r.fail(["steps", i, field], `\${params.${ref.name}} refers to an undeclared param (declare it under params)`);
        }
        if (ref.kind === "steps" && !upstream.has(ref.name)) {
          r.fail(
            ["steps", i, field],
            `\${steps.${ref.name}...} refers to '${ref.name}', which is not among the steps it needs`,
          );
        }
      }
    }
  });
}
