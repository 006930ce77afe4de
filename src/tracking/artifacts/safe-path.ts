/**
 * Artifact path safety, applied to every path a client names (MLflow's `validate_path_is_safe`).
 * The lexical checks are storage-neutral; the symlink check only applies to local folders.
 */
import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { invalidParam, type MwError } from "../../core/errors.js";

const DRIVE = /^[A-Za-z]:/;
const ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

function invalidPath(relPath: string): MwError {
  return invalidParam(`Invalid path: ${JSON.stringify(relPath)}`);
}

/** Percent-decodes until the text stops changing, so double-encoded traversal is seen too. */
export function decodeFully(text: string): string {
  // Every pass shortens the text (3 chars per byte in, at most 1 char per byte out), so this ends.
  for (;;) {
    const next = text.replace(ENCODED_RUN, (run) => Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"));
    if (next === text) return text;
    text = next;
  }
}

function isUnsafe(form: string): boolean {
  return (
    form.includes("\0") ||
    form.includes("\\") ||
    form.startsWith("/") ||
    DRIVE.test(form) ||
    form.split("/").some((s) => s === "..")
  );
}

/** Validates a client path and returns it normalized ("a/b", "" for the root); throws INVALID_PARAMETER_VALUE. */
export function normalizeArtifactPath(relPath: string): string {
  if (typeof relPath !== "string" || isUnsafe(relPath) || isUnsafe(decodeFully(relPath))) {
    throw invalidPath(String(relPath));
  }
  return relPath
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

/** True when `child` is `parent` or lies below it (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Joins a validated client path onto `root`, lexically only; throws INVALID_PARAMETER_VALUE. */
export function resolveSafePath(root: string, relPath: string): string {
  const base = resolve(root);
  const abs = join(base, ...normalizeArtifactPath(relPath).split("/"));
  if (!isInside(base, abs)) throw invalidPath(relPath);
  return abs;
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

async function deepestExisting(base: string, abs: string): Promise<string | undefined> {
  for (let p = abs; ; p = dirname(p)) {
    try {
      await lstat(p);
      return p;
    } catch (e) {
      if (!isMissing(e)) throw e;
      if (p === base) return undefined;
    }
  }
}

/**
 * Like {@link resolveSafePath}, and also refuses a path whose deepest existing ancestor (symlinks
 * followed) lies outside realpath(root). Dangling or looping links are refused as well.
 */
export async function resolveContainedPath(root: string, relPath: string): Promise<string> {
  const abs = resolveSafePath(root, relPath);
  const base = resolve(root);
  const existing = await deepestExisting(base, abs);
  if (existing === undefined) return abs;
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(existing), realpath(base)]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP" || code === "ENOTDIR") throw invalidPath(relPath);
    throw e;
  }
  if (!isInside(realRoot, real)) throw invalidPath(relPath);
  return abs;
}
