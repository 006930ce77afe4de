/** Results files of the benchmarks: JSON written the way `biome check` wants it (bench/** is in its scope). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Write `doc` as JSON to `path` (folders created), formatted by the repository's biome when installed. */
export function writeResultsFile(repoRoot: string, path: string, doc: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  const biome = join(repoRoot, "node_modules", ".bin", "biome");
  if (existsSync(biome)) {
    try {
      execFileSync(biome, ["format", "--write", path], { cwd: repoRoot, stdio: "ignore" });
    } catch {}
  }
  return path;
}
