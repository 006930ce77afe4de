/**
 * The `validate` step: check a file or a dataset version against a schema (a dataset version's or a
 * schema file). A failed error-level check fails the step, without retries (the data will not change).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ValidationReportWire } from "../../core/api/platform-routes.js";
import type { ObjectStore } from "../../data/objects/object-store.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { DatasetStore } from "../../data/versions/dataset-store.js";
import { schemaFromYaml } from "../../validation/schema.js";
import type { StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { knownSettings, optionalString, requiredString } from "./settings.js";

export interface ValidateDeps {
  store: Pick<DatasetStore, "getVersion">;
  objects: Pick<ObjectStore, "uri">;
  /** Validate a local file against a schema (JSON text). */
  validate(path: string, schemaJson: string): Promise<ValidationReportWire>;
}

/**
 * `with: {file | dataset: NAME[@VERSION], schema: NAME[@VERSION] | SCHEMA.yaml}` → outputs
 * `{success, evaluated, failed, failed_checks}`.
 */
export function validateExecutor(deps: ValidateDeps): StepExecutor {
  return {
    run: async (ctx) => {
      const s = ctx.settings;
      const step = ctx.step.name;
      const dir = ctx.baseDir ?? process.cwd();
      knownSettings(s, ["file", "dataset", "schema"], step);
      const file = optionalString(s, "file", step);
      const dataset = optionalString(s, "dataset", step);
      if ((file === undefined) === (dataset === undefined)) {
        throw new PermanentStepError(`step '${step}': give exactly one of with.file and with.dataset`);
      }
      const path = file !== undefined ? resolve(dir, file) : await versionPath(deps, dataset as string);
      const schemaJson = await schemaText(deps, requiredString(s, "schema", step), dir);
      const report = await deps.validate(path, schemaJson);
      const failed = report.results.filter((r) => !r.success && r.severity === "error");
      const summary = {
        success: report.success,
        evaluated: report.statistics.evaluated,
        failed: report.statistics.failed,
        failed_checks: failed.map((r) => `${r.column ?? "(table)"}: ${r.check}`),
      };
      ctx.log(`${summary.evaluated} checks, ${summary.failed} failed`);
      for (const r of report.results.filter((x) => !x.success)) {
        ctx.log(
          `  ${r.severity} ${r.column ?? "(table)"} ${r.check}: expected ${JSON.stringify(r.expected)}, observed ${JSON.stringify(r.observed)}`,
        );
      }
      if (!report.success) throw new PermanentStepError(`validation failed: ${summary.failed_checks.join("; ")}`);
      return summary;
    },
  };
}

async function versionPath(deps: ValidateDeps, refText: string): Promise<string> {
  const ref = parseDatasetRef(refText);
  const version = await deps.store.getVersion(ref.name, ref.version);
  const uri = deps.objects.uri(version.digest);
  if (!uri.startsWith("file://")) throw new PermanentStepError(`dataset ${refText} is not in a local object store`);
  return fileURLToPath(uri);
}

/** A schema file (YAML or JSON) when the text names one, else a dataset version's schema. */
async function schemaText(deps: ValidateDeps, ref: string, dir: string): Promise<string> {
  if (/\.(ya?ml|json)$/i.test(ref)) {
    const text = await readFile(resolve(dir, ref), "utf8").catch(() => {
      throw new PermanentStepError(`cannot read the schema file '${ref}'`);
    });
    return JSON.stringify(schemaFromYaml(text));
  }
  const dref = parseDatasetRef(ref);
  return (await deps.store.getVersion(dref.name, dref.version)).schemaJson;
}
