/**
 * Parse and validate a pipeline YAML file into a {@link PipelineSpec}. Every problem names the line
 * and the field (`churn.yaml:14: steps[2].retries.limit: expected ...`); all problems are reported at once.
 */
import { basename } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { parseDuration } from "../core/duration.js";
import { invalidParam } from "../core/errors.js";
import type { FieldPath } from "../core/yaml/yaml-fields.js";
import { FieldReader } from "../core/yaml/yaml-fields.js";
import { dependentsOf, findCycle } from "./dag.js";
import { CONTAINER_KEYS, readContainer } from "./parse-container.js";
import { readEnv } from "./parse-env.js";
import { readNotify, readTrigger } from "./parse-triggers.js";
import type { EnvSpec, PipelineSpec, RetrySpec, StepSpec, StepType } from "./pipeline-spec.js";
import { STEP_TYPES } from "./pipeline-spec.js";
import { codeArguments } from "./shell-code.js";
import { referencesIn } from "./substitute.js";

const TOP_KEYS = ["name", "description", "params", "concurrency", "triggers", "env", "steps", "notify"] as const;
const STEP_KEYS = [
  "name",
  "type",
  "needs",
  "with",
  "run",
  "env",
  "inputs",
  "outputs",
  "when",
  "retries",
  "timeout",
  "cache",
  ...CONTAINER_KEYS,
];
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
  const env = readEnv(r, ["env"], top.env);
  if (!Array.isArray(top.steps) || top.steps.length === 0) r.fail(["steps"], "expected a non-empty list of steps");
  const steps = readList(r, ["steps"], top.steps, (p, v) => readStep(r, p, v));
  const notify = readList(r, ["notify"], top.notify, (p, v) => readNotify(r, p, v));
  checkGraph(r, steps, params);
  checkEnv(r, env, steps, params);
  return {
    name,
    ...(description ? { description } : {}),
    params,
    concurrency,
    triggers,
    ...(env && Object.keys(env).length > 0 ? { env } : {}),
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
  if (type !== "command" && type !== "container" && type !== "" && o.env !== undefined) {
    r.fail([...path, "env"], "only command and container steps take env");
  }
  const env = readEnv(r, [...path, "env"], o.env, type === "container");
  const container = readContainer(r, path, o, type);
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
    ...(env && Object.keys(env).length > 0 ? { env } : {}),
    ...(container ? { container } : {}),
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
      ["env", s.env],
      ["container", s.container],
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

/**
 * A command's code arguments (`sh -c CODE`, `python -c CODE`...) hold no references, so no param or
 * output text is ever run as code; the pipeline's own `env` may refer only to params.
 */
function checkEnv(r: FieldReader, env: EnvSpec | undefined, steps: StepSpec[], params: Record<string, unknown>) {
  for (const ref of referencesIn(env ?? {})) {
    if (ref.kind === "steps") r.fail(["env"], `\${steps.${ref.name}...}: the pipeline's env may refer only to params`);
    else if (!(ref.name in params)) {
      r.fail(["env"], `\${params.${ref.name}} refers to an undeclared param (declare it under params)`);
    }
  }
  steps.forEach((s, i) => {
    if (!s.run) return;
    for (const at of codeArguments(s.run)) {
      if (referencesIn(s.run[at]).length === 0) continue;
      r.fail(
        ["steps", i, "run", at],
        `a \${...} reference in code a shell or interpreter runs is refused (its text could run as code); ` +
          `pass the value as an argument of its own or through env: (e.g. env: {FILE: "\${params.file}"}, then "$FILE")`,
      );
    }
  });
}
