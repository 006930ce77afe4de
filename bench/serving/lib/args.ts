/** Command-line flags shared by the serving benchmarks. */
import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";
import type { ServeMode } from "./setup.js";

export interface CommonArgs {
  quick: boolean;
  /** `--no-deployment`: serve `churn@champion` directly instead of a stored deployment. */
  mode: ServeMode;
  /** `--keep`: leave the temporary MODELWORKS_HOME on disk. */
  keep: boolean;
  /** `--no-write`: print only, no results file. */
  write: boolean;
}

/** Parse the common flags plus the named string options (`--rate 500`); unknown flags are an error. */
export function parseBenchArgs<K extends string>(
  extra: readonly K[],
): CommonArgs & { values: Partial<Record<K, string>> } {
  const options: ParseArgsConfig["options"] = {
    quick: { type: "boolean" },
    "no-deployment": { type: "boolean" },
    keep: { type: "boolean" },
    "no-write": { type: "boolean" },
  };
  for (const name of extra) options[name] = { type: "string" };
  const values = parseArgs({ args: process.argv.slice(2), options, strict: true }).values as Record<
    string,
    string | boolean | undefined
  >;
  const strings: Partial<Record<K, string>> = {};
  for (const name of extra) if (typeof values[name] === "string") strings[name] = values[name];
  return {
    quick: values.quick === true,
    mode: values["no-deployment"] === true ? "model" : "deployment",
    keep: values.keep === true,
    write: values["no-write"] !== true,
    values: strings,
  };
}

/** A positive number flag, or the default. */
export function numberArg(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${value}'`);
  return n;
}

/** `--sampling X` (0–1), default 1. */
export function samplingArg(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new Error(`--sampling must be from 0 to 1, got '${value}'`);
  return n;
}

/** Progress lines go to stderr so stdout holds only the report. */
export const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};
