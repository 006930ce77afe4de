/**
 * The Python packages a model folder records (`requirements.txt`, `python_env.yaml` as MLflow writes
 * them) and how they compare with what the worker's interpreter has installed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";

/** One recorded requirement: `scikit-learn==1.2.1` → name `scikit-learn`, specifiers `==1.2.1`. */
export interface Requirement {
  name: string;
  /** Comma-separated version specifiers as written ("" = any version). */
  specifiers: string;
  /** The file it came from (`requirements.txt`). */
  source: string;
}

/** What the folder records. */
export interface RecordedEnvironment {
  requirements: Requirement[];
  /** `python_env.yaml`'s Python version. */
  python?: string;
}

/** One requirement line, or undefined for comments, options (`-r`, `--index-url`) and URLs. */
export function parseRequirement(line: string, source: string): Requirement | undefined {
  const text = line.split(/\s+#/)[0]?.split(";")[0]?.trim() ?? "";
  if (!text || text.startsWith("#") || text.startsWith("-") || text.includes("://") || text.includes(" @ ")) return;
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(text);
  if (!m) return;
  return { name: m[1] as string, specifiers: (m[3] ?? "").replace(/[()\s]/g, ""), source };
}

/** Read `requirements.txt` and `python_env.yaml` (either may be absent). */
export async function readRecordedEnvironment(
  dir: string,
  pythonEnvFile = "python_env.yaml",
): Promise<RecordedEnvironment> {
  const text = (file: string) => readFile(join(dir, file), "utf8").catch(() => undefined);
  const requirements: Requirement[] = [];
  for (const line of ((await text("requirements.txt")) ?? "").split("\n")) {
    const r = parseRequirement(line, "requirements.txt");
    if (r) requirements.push(r);
  }
  const env = await text(pythonEnvFile);
  if (env === undefined) return { requirements };
  let doc: unknown;
  try {
    doc = parseYaml(env);
  } catch {
    return { requirements };
  }
  const record = (doc ?? {}) as { python?: unknown; dependencies?: unknown };
  if (Array.isArray(record.dependencies)) {
    for (const line of record.dependencies) {
      const r = typeof line === "string" ? parseRequirement(line, pythonEnvFile) : undefined;
      if (r && !requirements.some((x) => normalize(x.name) === normalize(r.name))) requirements.push(r);
    }
  }
  return { requirements, ...(record.python !== undefined ? { python: String(record.python) } : {}) };
}

/** PEP 503 name normalization (`Scikit_Learn` → `scikit-learn`). */
export function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// MLflow records itself; scoring without it is this runtime's fallback, not a mismatch.
const OPTIONAL = new Set(["mlflow", "mlflow-skinny"]);

/**
 * Warnings, one per recorded requirement the interpreter does not satisfy (by name and version),
 * and for a different Python major.minor.
 */
export function environmentWarnings(
  recorded: RecordedEnvironment,
  interpreter: { label: string; python: string; installed: Record<string, string | null> },
): string[] {
  const out: string[] = [];
  if (recorded.python && majorMinor(recorded.python) !== majorMinor(interpreter.python)) {
    out.push(
      `the model was logged with Python ${recorded.python} (python_env.yaml); ${interpreter.label} is Python ${interpreter.python}`,
    );
  }
  for (const r of recorded.requirements) {
    const have = interpreter.installed[r.name] ?? null;
    const wanted = `${r.name}${r.specifiers}`;
    if (have === null) {
      if (!OPTIONAL.has(normalize(r.name)))
        out.push(`the model requires ${wanted} (${r.source}); ${interpreter.label} does not have ${r.name}`);
    } else if (!satisfies(have, r.specifiers)) {
      out.push(`the model requires ${wanted} (${r.source}); ${interpreter.label} has ${r.name} ${have}`);
    }
  }
  return out;
}

/** True when `version` meets every comma-separated specifier (==, !=, >=, <=, >, <, ~=, ===, `.*`). */
export function satisfies(version: string, specifiers: string): boolean {
  for (const spec of specifiers.split(",").filter(Boolean)) {
    const m = /^(===|==|!=|>=|<=|~=|>|<)(.+)$/.exec(spec);
    if (!m) continue;
    const [, op, want] = m as unknown as [string, string, string];
    if (op === "===") {
      if (version !== want) return false;
      continue;
    }
    if (want.endsWith(".*")) {
      const prefix = release(want.slice(0, -2));
      const same = prefix.every((p, i) => release(version)[i] === p);
      if (same !== (op === "==")) return false;
      continue;
    }
    if (!meets(op, compare(version, want)) || (op === "~=" && !compatible(version, want))) return false;
  }
  return true;
}

function meets(op: string, c: number): boolean {
  switch (op) {
    case "==":
      return c === 0;
    case "!=":
      return c !== 0;
    case ">":
      return c > 0;
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    default: // >= and ~=
      return c >= 0;
  }
}

/** `~=1.4.2` also needs the same release up to its last-but-one part (1.4.*). */
function compatible(version: string, want: string): boolean {
  const w = release(want);
  const prefix = w.slice(0, Math.max(1, w.length - 1));
  return prefix.every((p, i) => release(version)[i] === p);
}

/** The release numbers of a version ("1.2.1rc1" → [1, 2, 1]); pre/post/local parts are ignored. */
function release(version: string): number[] {
  const main = /^v?(\d+(?:\.\d+)*)/.exec(version.trim());
  return main ? (main[1] as string).split(".").map(Number) : [];
}

function compare(a: string, b: string): number {
  const x = release(a);
  const y = release(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

function majorMinor(version: string): string {
  return release(version).slice(0, 2).join(".");
}
