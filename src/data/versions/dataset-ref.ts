/** `NAME[@VERSION]` references to dataset versions, as the CLI and API take them. */
import { invalidParam } from "../../core/errors.js";

/** A parsed reference; `version` undefined means the latest. */
export interface DatasetRef {
  name: string;
  version?: number;
}

/** Parse a version: a positive integer, or `latest` (undefined). */
export function parseVersion(text: string | undefined, what = "version"): number | undefined {
  if (text === undefined || text === "" || text === "latest") return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw invalidParam(`Invalid ${what} '${text}': expected a positive integer or 'latest'.`);
  }
  return Number(text);
}

/** Parse `NAME` or `NAME@VERSION`. */
export function parseDatasetRef(text: string): DatasetRef {
  const at = text.lastIndexOf("@");
  const name = at < 0 ? text : text.slice(0, at);
  if (name === "") throw invalidParam(`Invalid dataset reference '${text}': expected NAME[@VERSION].`);
  const version = at < 0 ? undefined : parseVersion(text.slice(at + 1), `version in '${text}'`);
  return version === undefined ? { name } : { name, version };
}

/** Format a reference as `NAME@VERSION` (or `NAME` for the latest). */
export function formatDatasetRef(ref: DatasetRef): string {
  return ref.version === undefined ? ref.name : `${ref.name}@${ref.version}`;
}
