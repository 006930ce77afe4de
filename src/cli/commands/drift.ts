/**
 * `modelworks drift --reference DATA --current DATA`: Evidently-style data drift between two
 * tables (files or dataset versions), with the model's score drift and schema quality checks when
 * asked, as a table, JSON or a self-contained HTML report.
 */
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../../core/config.js";
import { isMwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { ComputeDriftOptions } from "../../monitoring/drift/compute-drift.js";
import { computeDriftParallel } from "../../monitoring/drift/compute-drift.js";
import { driftReportHtml } from "../../monitoring/drift/drift-html.js";
import { prepareReference } from "../../monitoring/drift/drift-reference.js";
import { displayOrder, formatNumber, summarySentence, verdictSentence } from "../../monitoring/drift/drift-summary.js";
import type { DriftOptions, DriftReport } from "../../monitoring/drift/drift-types.js";
import { modelScores } from "../../monitoring/drift/model-scores.js";
import type { ColumnKind, StatTestName } from "../../monitoring/stats/index.js";
import { STAT_TESTS } from "../../monitoring/stats/index.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { checkModelRef, resolveModel } from "../../serving/model-resolver.js";
import type { DatasetSchema } from "../../validation/schema.js";
import { schemaFromJson, schemaFromYaml } from "../../validation/schema.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, table } from "../cli-context.js";
import { OUTBOUND_FLAGS, outboundPolicyOf } from "../outbound-flags.js";
import { loadTrainingData } from "./training-data.js";

export const DRIFT_HELP = `Usage: modelworks drift --reference FILE|DATASET[@VERSION] --current FILE|DATASET[@VERSION]
                        [--model MODEL@ALIAS] [--schema NAME[@VERSION]|FILE] [--html OUT.html] [--json]
                        [--drift-share X] [--method TEST] [--num-method TEST] [--cat-method TEST]
                        [--threshold X] [--num-threshold X] [--cat-threshold X]
                        [--column-method COL=TEST]... [--column-threshold COL=X]... [--ignore COL]...

Compares every column of the current data with the reference (CSV or Parquet files, or dataset
versions of the embedded store) the way Evidently's data drift preset does. Each column gets
Evidently's default test unless overridden (most specific wins: --column-method, then
--num-method/--cat-method, then --method): with at most 1000 reference rows, ks for numbers
(chisquare or z when there are ≤ 5 distinct values) and chisquare/z for categories; above that,
wasserstein (normed) for numbers and jensenshannon for categories (and numbers with ≤ 5 values).
Thresholds default to the test's (0.05 for p-values, 0.1 for distances). The dataset has drifted
when the share of drifted columns is at least --drift-share (default 0.5). Columns that cannot be
tested (missing on one side, different types, empty, all null, timestamps) are listed with the
reason and not counted. Tests: ks, chisquare, z, wasserstein, jensenshannon, psi, kl_div, linf.

--model MODEL@ALIAS scores both sides and adds the drift of the model's score (counted like a
column): P(positive) for binary, the predicted value for regression, the top class's probability
for multiclass models; MODEL/VERSION and an MLflow 3 logged model id (models:/m-ID) work too (a
remote version's host must be allowed with --allow-outbound or MODELWORKS_OUTBOUND_ALLOW).
--schema checks the current data against a dataset version's schema or a schema file
(nulls, ranges, category domains, missing columns, types). --html writes a self-contained report;
--json prints the report as JSON (dataset_drift, share_drifted, columns[].{column, type, test,
statistic, p_value, threshold, drifted}, ...).

Exit status: 0 when the comparison ran, whether or not drift was found; 1 or 2 with a one-line
reason when it could not run (missing file or dataset, unknown test, bad number).`;

/** Run the `drift` command. */
export async function driftCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      ...DRIFT_FLAGS,
      ...OUTBOUND_FLAGS,
      reference: { type: "string" },
      current: { type: "string" },
      model: { type: "string" },
      schema: { type: "string" },
      html: { type: "string" },
    },
  });
  if (values.help) {
    io.out(DRIFT_HELP);
    return 0;
  }
  if (!values.reference) throw new CliError("drift needs --reference FILE|DATASET[@VERSION]");
  if (!values.current) throw new CliError("drift needs --current FILE|DATASET[@VERSION]");
  // Every flag is checked before any data is read.
  const options: ComputeDriftOptions = driftOptions(values);
  if (values.model) checkModelRef(values.model);
  let platform: Platform | undefined;
  const embedded = async () => {
    platform ??= await openPlatform(resolveConfig(values, io.env, io.cwd), { outbound: outboundPolicyOf(values, io) });
    return platform;
  };
  try {
    const reference = await loadSide("--reference", values.reference, io.cwd, embedded);
    const current = await loadSide("--current", values.current, io.cwd, embedded);
    if (values.schema) options.schema = await loadSchema(values.schema, io.cwd, embedded);
    if (values.model) {
      const p = await embedded();
      const cacheDir = join(resolveConfig(values, io.env, io.cwd).home, "serving-cache");
      const model = await resolveModel(values.model, { ...p, cacheDir });
      try {
        options.currentScores = await modelScores(model.predictor, current);
        options.referenceScores = await modelScores(model.predictor, reference);
      } finally {
        await model.close?.();
      }
    }
    const report = await computeDriftParallel(prepareReference(reference), current, {
      ...options,
      referenceName: values.reference,
      currentName: values.current,
    });
    if (values.html) await writeAtomically(resolve(io.cwd, values.html), driftReportHtml(report));
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else {
      io.out(formatDrift(report));
      if (values.html) io.out(`\nHTML report: ${values.html}`);
    }
    return 0;
  } finally {
    await platform?.close();
  }
}

/** A side's table: an existing file, else a dataset version of the embedded store. */
async function loadSide(flag: string, ref: string, cwd: string, embedded: () => Promise<Platform>): Promise<Table> {
  const isFile = (await stat(resolve(cwd, ref)).catch(() => undefined))?.isFile();
  if (!isFile && looksLikePath(ref)) throw new CliError(`${flag} '${ref}': no such file`, 1);
  try {
    return (await loadTrainingData(ref, cwd, isFile ? undefined : await embedded(), flag.slice(2))).table;
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST")
      throw new CliError(`${flag} '${ref}': no such file, and no dataset version by that name (${e.message})`, 1);
    if (isMwError(e)) throw new CliError(`${flag} '${ref}': ${e.message}`, 1);
    throw e;
  }
}

/** A path with a folder in it is a file: dataset names hold no slashes. */
function looksLikePath(ref: string): boolean {
  return /[\\/]/.test(ref);
}

/** A schema file (YAML or JSON), else a dataset version's stored schema. */
async function loadSchema(ref: string, cwd: string, embedded: () => Promise<Platform>): Promise<DatasetSchema> {
  const path = resolve(cwd, ref);
  try {
    if (/\.(ya?ml|json)$/i.test(ref) || (await stat(path).catch(() => undefined))?.isFile()) {
      const text = await readFile(path, "utf8").catch(() => {
        throw new CliError(`--schema '${ref}': cannot read the file`, 1);
      });
      return schemaFromYaml(text);
    }
    const d = parseDatasetRef(ref);
    return schemaFromJson((await (await embedded()).datasets.store.getVersion(d.name, d.version)).schemaJson);
  } catch (e) {
    if (isMwError(e)) throw new CliError(`--schema '${ref}': ${e.message}`, 1);
    throw e;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text).catch((e: NodeJS.ErrnoException) => {
    throw new CliError(`--html '${path}': cannot write (${e.code ?? e.message})`, 1);
  });
  await rename(tmp, path);
}

/** The human form: the summary sentences, an aligned table, then problems and quality findings. */
export function formatDrift(r: DriftReport): string {
  const rows = displayOrder(r).map((c) => [
    c === r.prediction ? `${c.column} (model score)` : c.column,
    c.type,
    c.test ?? "-",
    formatNumber(c.statistic),
    formatNumber(c.p_value),
    formatNumber(c.score),
    formatNumber(c.threshold),
    c.test === null ? "not tested" : c.drifted ? "DRIFT" : "ok",
  ]);
  const lines = [
    summarySentence(r),
    verdictSentence(r),
    "",
    table(["column", "type", "test", "statistic", "p_value", "score", "threshold", "drift"], rows),
  ];
  const problems = displayOrder(r).filter((c) => c.problem || c.note);
  if (problems.length > 0) {
    lines.push("", "Problems:");
    for (const c of problems) lines.push(`  ${c.column}: ${c.problem ?? c.note}`);
  }
  if (r.quality) {
    lines.push("", r.quality.length === 0 ? "Data quality: every schema check passed." : "Data quality:");
    for (const q of r.quality)
      lines.push(`  ${q.column}: ${q.check}, ${q.count} rows (${(q.share * 100).toFixed(2)}%): ${q.detail}`);
  }
  return lines.join("\n");
}

/** The raw test and threshold flags. */
interface DriftFlagValues {
  "drift-share"?: string;
  method?: string;
  "num-method"?: string;
  "cat-method"?: string;
  threshold?: string;
  "num-threshold"?: string;
  "cat-threshold"?: string;
  "column-method"?: string[];
  "column-threshold"?: string[];
  ignore?: string[];
}

const DRIFT_FLAGS = {
  "drift-share": { type: "string" },
  method: { type: "string" },
  "num-method": { type: "string" },
  "cat-method": { type: "string" },
  threshold: { type: "string" },
  "num-threshold": { type: "string" },
  "cat-threshold": { type: "string" },
  "column-method": { type: "string", multiple: true },
  "column-threshold": { type: "string", multiple: true },
  ignore: { type: "string", multiple: true },
} as const;

/** Check and convert the flags; a bad value is a CliError naming the flag. */
function driftOptions(v: DriftFlagValues): DriftOptions {
  const o: DriftOptions = {};
  if (v["drift-share"] !== undefined) o.driftShare = share(v["drift-share"]);
  if (v.method !== undefined) o.method = testName("--method", v.method);
  if (v["num-method"] !== undefined) o.numMethod = testName("--num-method", v["num-method"], "numerical");
  if (v["cat-method"] !== undefined) o.catMethod = testName("--cat-method", v["cat-method"], "categorical");
  if (v.threshold !== undefined) o.threshold = threshold("--threshold", v.threshold);
  if (v["num-threshold"] !== undefined) o.numThreshold = threshold("--num-threshold", v["num-threshold"]);
  if (v["cat-threshold"] !== undefined) o.catThreshold = threshold("--cat-threshold", v["cat-threshold"]);
  const methods = pairs("--column-method", v["column-method"], (text) => testName("--column-method", text));
  if (methods) o.perColumnMethod = methods;
  const thresholds = pairs("--column-threshold", v["column-threshold"], (text) =>
    threshold("--column-threshold", text),
  );
  if (thresholds) o.perColumnThreshold = thresholds;
  if (v.ignore?.length) o.ignore = v.ignore;
  return o;
}

function testName(flag: string, text: string, kind?: ColumnKind): StatTestName {
  const known = Object.keys(STAT_TESTS).sort();
  const test = STAT_TESTS[text as StatTestName];
  if (!test) throw new CliError(`${flag}: unknown test '${text}' (expected one of ${known.join(", ")})`);
  if (kind && !test.kinds.includes(kind))
    throw new CliError(`${flag}: test '${text}' does not apply to ${kind} columns (it takes ${test.kinds.join(", ")})`);
  return text as StatTestName;
}

function number(flag: string, text: string): number {
  const n = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(n)) throw new CliError(`${flag} must be a number, got '${text}'`);
  return n;
}

function share(text: string): number {
  const n = number("--drift-share", text);
  if (!(n > 0 && n <= 1)) throw new CliError(`--drift-share must be in (0, 1], got '${text}'`);
  return n;
}

function threshold(flag: string, text: string): number {
  const n = number(flag, text);
  if (n < 0) throw new CliError(`${flag} must not be negative, got '${text}'`);
  return n;
}

/** `COL=VALUE` entries as a record (split at the last `=`, so a column name may hold one). */
function pairs<T>(
  flag: string,
  entries: string[] | undefined,
  parse: (text: string) => T,
): Record<string, T> | undefined {
  if (!entries?.length) return undefined;
  const out: Record<string, T> = {};
  for (const e of entries) {
    const at = e.lastIndexOf("=");
    if (at <= 0) throw new CliError(`${flag} expects COL=VALUE, got '${e}'`);
    out[e.slice(0, at)] = parse(e.slice(at + 1));
  }
  return out;
}
