/**
 * The digest of a model package: what a serving replica checks its local copy against. One
 * SHA-256 over the package's files in path order (each file's relative path and content digest),
 * so a changed, added or removed file changes it. Recorded on the model version as a tag the first
 * time the version is fetched (deployment creation and rollout start load it once), then every
 * replica's copy — fetched from the artifact store or reused from its cache — must match it.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/** The model version tag holding the package digest (`sha256:HEX`). */
export const PACKAGE_DIGEST_TAG = "modelworks.package_digest";

/** The digest of the package folder `dir` (`sha256:HEX`). */
export async function packageDigest(dir: string): Promise<string> {
  const all = createHash("sha256");
  for (const rel of (await filesUnder(dir)).sort()) {
    const h = createHash("sha256");
    await pipeline(createReadStream(join(dir, rel)), h);
    all.update(`${rel}\0${h.digest("hex")}\n`);
  }
  return `sha256:${all.digest("hex")}`;
}

/** Every file under `dir`, as `/`-separated relative paths. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}
