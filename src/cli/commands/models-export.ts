/**
 * `modelworks models export MODEL/VERSION --format onnx --out FILE`: write a registered version of
 * the platform's own models (gbdt or linear, with their preprocessing) as one ONNX file, to run
 * with onnxruntime or any ONNX runtime elsewhere.
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { MwError } from "../../core/errors.js";
import { exportPackageOnnx } from "../../learn/onnx/export-package.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { VERSION } from "../../version.js";
import type { Connection } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { fetchPackage, sourceVersion } from "./models-fault.js";
import { artifactRoot } from "./training-run.js";

/** The `models export` flags (declared with the other `models` flags). */
export const EXPORT_FLAGS = {
  format: { type: "string" },
  out: { type: "string" },
} as const;

/** Export formats. */
export const EXPORT_FORMATS = ["onnx"] as const;

/** The `models export --json` answer. */
export interface ExportResult {
  model: { name: string; version: string };
  format: (typeof EXPORT_FORMATS)[number];
  out: string;
  bytes: number;
  algo: string;
  task: string;
  inputs: string[];
}

/** The format `--format` asks for (default onnx); a CliError for anything else. */
export function exportFormat(flag: string | undefined): ExportResult["format"] {
  const format = flag ?? "onnx";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, not '${format}'`);
  return format as ExportResult["format"];
}

/** Export `ref` (NAME/VERSION or NAME@ALIAS) to `out` (resolved against `cwd`), written atomically. */
export async function exportModel(
  conn: Connection,
  ref: string,
  options: { format: ExportResult["format"]; out: string; cwd: string },
): Promise<ExportResult> {
  const { name, version } = await sourceVersion(conn, ref);
  const { artifact_uri } = await conn.api.getModelVersionDownloadUri({ name, version });
  const pkg = await readPackage(conn, artifactRoot(artifact_uri), `${name}/${version}`);
  const bytes = exportPackageOnnx(pkg, { source: `${name}/${version}`, producerVersion: VERSION });
  const out = resolve(options.cwd, options.out);
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return {
    model: { name, version },
    format: options.format,
    out: options.out,
    bytes: bytes.length,
    algo: pkg.algo,
    task: pkg.signature.task,
    inputs: pkg.signature.inputs.map((i) => i.name),
  };
}

/** The version's package; a version logged in another flavor is refused by name. */
async function readPackage(conn: Connection, path: string, label: string): Promise<ModelPackage> {
  try {
    return await fetchPackage(conn.artifacts, path);
  } catch (e) {
    if (e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE")
      throw new CliError(`${label} is not a model trained by modelworks, so it cannot be exported (${e.message})`);
    throw e;
  }
}
