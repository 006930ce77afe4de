/** `modelworks deployments export-log NAME [--from T --to T] [--variant V] --out FILE.parquet|csv` */
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { PlatformRoutes } from "../../core/api/platform-routes.js";
import type { RequestOf } from "../../core/api/route.js";
import type { StreamedFile } from "../../core/api/streamed-file.js";
import type { CliIo } from "../cli-context.js";
import { CliError } from "../cli-context.js";

export type ExportLogRequest = RequestOf<PlatformRoutes["exportDeploymentLog"]>;

/** Flags of export-log. */
export interface ExportLogFlags {
  out?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  variant?: string | undefined;
  json?: boolean | undefined;
}

const VARIANTS = ["primary", "candidate", "shadow"] as const;

/** The export request of the flags (the format from --out's extension); throws CliError naming the flag. */
export function exportLogRequest(name: string, f: ExportLogFlags): ExportLogRequest {
  if (!f.out) throw new CliError("deployments export-log needs --out FILE.parquet or FILE.csv");
  const ext = extname(f.out).toLowerCase();
  if (ext !== ".parquet" && ext !== ".csv") {
    throw new CliError(`--out: expected a file name ending in .parquet or .csv, got '${f.out}'`);
  }
  const req: ExportLogRequest = { name, format: ext === ".csv" ? "csv" : "parquet" };
  if (f.from !== undefined) req.from_time = timeFlag("--from", f.from);
  if (f.to !== undefined) req.to_time = timeFlag("--to", f.to);
  if (req.from_time !== undefined && req.to_time !== undefined && req.from_time >= req.to_time) {
    throw new CliError(`--to: must be after --from, got ${f.from} .. ${f.to}`);
  }
  if (f.variant !== undefined) {
    if (!(VARIANTS as readonly string[]).includes(f.variant)) {
      throw new CliError(`--variant: expected primary, candidate or shadow, got '${f.variant}'`);
    }
    req.variant = f.variant as ExportLogRequest["variant"];
  }
  return req;
}

/** A time flag: milliseconds since the epoch, or an ISO 8601 date or date-time (UTC unless it says). */
export function timeFlag(flag: string, text: string): number {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new CliError(
      `${flag}: expected a time such as 2025-01-31, 2025-01-31T12:00:00Z or epoch milliseconds, got '${text}'`,
    );
  }
  return n;
}

/** Write an export's chunks to `out` (through a temporary file, renamed when complete). */
export async function writeExport(file: StreamedFile, out: string, io: CliIo, flags: ExportLogFlags): Promise<number> {
  const path = resolve(io.cwd, out);
  const temp = `${path}.${process.pid}.part`;
  let bytes = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const c of file.chunks) {
      bytes += c.byteLength;
      yield c;
    }
  }
  try {
    await pipeline(counted(), createWriteStream(temp));
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  io.out(flags.json ? JSON.stringify({ out: path, bytes }, null, 2) : `Wrote ${path} (${bytes} bytes)`);
  return 0;
}
