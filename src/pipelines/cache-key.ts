/**
 * The step cache key (DVC-style): the step's resolved definition, the bytes of every input, the
 * params and the code commit. Names alone are never a key, so renamed or edited data reruns.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";

/** What goes into a key besides the input bytes. */
export interface CacheKeyInput {
  type: string;
  settings: Record<string, unknown>;
  run?: unknown[];
  /** A command's variables (secrets by name only). */
  env?: Record<string, unknown>;
  /** A container step's image, command, args and resources. */
  container?: unknown;
  inputs: string[];
  outputs: string[];
  params: Record<string, unknown>;
  /** `git rev-parse HEAD` of the pipeline's folder, or "none". */
  commit: string;
}

/** SHA-256 (hex) of the key material; inputs are resolved against `baseDir`. */
export async function cacheKey(k: CacheKeyInput, baseDir: string): Promise<string> {
  const digests: [string, string][] = [];
  for (const input of k.inputs) digests.push([input, await digestPath(resolve(baseDir, input))]);
  const material = {
    step: {
      type: k.type,
      with: k.settings,
      run: k.run ?? null,
      // Only when declared, so the keys of steps without env stay what they were.
      ...(k.env ? { env: k.env } : {}),
      ...(k.container ? { container: k.container } : {}),
      inputs: k.inputs,
      outputs: k.outputs,
    },
    inputs: digests,
    params: k.params,
    commit: k.commit,
  };
  return createHash("sha256").update(stableJson(material)).digest("hex");
}

/** Content digest of a file (its bytes) or folder (sorted relative paths with their digests); "missing" if absent. */
export async function digestPath(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return "missing";
  if (info.isFile()) return `file:${await digestFile(path)}`;
  const hash = createHash("sha256");
  for (const file of (await listFiles(path)).sort()) {
    const rel = relative(path, file).split(sep).join("/");
    hash.update(`${rel}\0${await digestFile(file)}\n`);
  }
  return `dir:${hash.digest("hex")}`;
}

async function digestFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The paths (relative to `baseDir`) that do not exist: declared outputs a step did not write. */
export async function missingPaths(paths: string[], baseDir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const p of paths) if (!(await stat(resolve(baseDir, p)).catch(() => undefined))) missing.push(p);
  return missing;
}
