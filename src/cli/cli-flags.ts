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

/** A share in (0, 1], written `0.1` or `10%`. */
export function shareFlag(flag: string, text: string): number {
  const percent = text.trim().endsWith("%");
  const n = numberFlag(flag, percent ? text.trim().slice(0, -1) : text) / (percent ? 100 : 1);
  if (!(n > 0 && n <= 1))
    throw new CliError(`${flag}: expected a share above 0 and at most 1 (or 100%), got '${text}'`);
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
