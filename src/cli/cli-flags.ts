/** Flag values shared by commands: numbers, whole numbers and durations, with one-line errors naming the flag. */
import { parseDuration } from "../core/duration.js";
import { isMwError } from "../core/errors.js";
import { CliError } from "./cli-context.js";

/** A finite number. */
export function numberFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new CliError(`${flag}: expected a number, got '${text}'`);
  return n;
}

/** A whole number ≥ 0. */
export function countFlag(flag: string, text: string): number {
  const n = numberFlag(flag, text);
  if (!Number.isSafeInteger(n) || n < 0) throw new CliError(`${flag}: expected a whole number, got '${text}'`);
  return n;
}

/** A duration such as `500ms`, `30s`, `5m`, in milliseconds. */
export function durationFlag(flag: string, text: string): number {
  return cliParse(() => parseDuration(flag, text));
}

/** Run a parser whose MwErrors become one-line CLI errors. */
export function cliParse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isMwError(e)) throw new CliError(e.message);
    throw e;
  }
}
