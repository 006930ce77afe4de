/** `modelworks data infer FILE`: the schema `data add` would store, printed for editing, nothing stored. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { invalidParam, isMwError } from "../../core/errors.js";
import { profileTable } from "../../data/profile.js";
import { readTable } from "../../data/read-table.js";
import { parseTypeOverrides } from "../../data/type-overrides.js";
import { type InferOptions, inferSchema } from "../../validation/infer-schema.js";
import { schemaToJson, schemaToYaml } from "../../validation/schema.js";
import type { CliIo } from "../cli-context.js";
import { CliError } from "../cli-context.js";

/** The flags `data infer` reads. */
export interface InferFlags {
  label?: string;
  type?: string[];
  json?: boolean;
  "batch-rows"?: string;
  "row-count"?: string;
}

/** Infer FILE's schema and print it (YAML, or JSON with --json). */
export async function inferFile(file: string, flags: InferFlags, io: CliIo): Promise<number> {
  const options = inferOptions(flags);
  const path = resolve(io.cwd, file);
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw invalidParam(`File not found: '${file}'.`);
  const table = await readTable(path, { types: parseTypeOverrides(flags.type) }).catch((e: unknown) => {
    throw isMwError(e) ? e : invalidParam(`Cannot read '${file}': ${(e as Error).message}`);
  });
  const schema = inferSchema(table, profileTable(table), options);
  io.out((flags.json ? schemaToJson(schema) : schemaToYaml(schema)).trimEnd());
  return 0;
}

/** `--label`, `--batch-rows N` (a positive integer) and `--row-count LO,HI` (multiples, 0 ≤ LO ≤ HI) as options. */
export function inferOptions(flags: InferFlags): InferOptions {
  const options: InferOptions = {};
  if (flags.label) options.label = flags.label;
  const batch = flags["batch-rows"];
  if (batch !== undefined) {
    const n = Number(batch);
    if (!/^\d+$/.test(batch) || n < 1) throw new CliError(`--batch-rows: expected a positive integer, got '${batch}'`);
    options.minBatchRows = n;
  }
  const rowCount = flags["row-count"];
  if (rowCount !== undefined) {
    const parts = rowCount.split(",").map((s) => (s.trim() === "" ? Number.NaN : Number(s)));
    const [lo, hi] = parts as [number, number];
    if (parts.length !== 2 || !parts.every((x) => Number.isFinite(x) && x >= 0) || lo > hi) {
      throw new CliError(
        `--row-count: expected LO,HI multiples of the file's rows with 0 ≤ LO ≤ HI, got '${rowCount}'`,
      );
    }
    options.rowCountFactors = [lo, hi];
  }
  return options;
}
