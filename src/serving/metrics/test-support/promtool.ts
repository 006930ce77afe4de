import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The promtool on PATH (Debian's prometheus package), or undefined. */
export function findPromtool(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const p = join(dir, "promtool");
    if (dir !== "" && existsSync(p)) return p;
  }
  return undefined;
}

/** Runs `promtool check metrics` with the text on stdin; status 0 means it parsed and linted clean. */
export function checkMetrics(text: string): { status: number | null; output: string } {
  const r = spawnSync(findPromtool() ?? "promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (r.error) return { status: null, output: String(r.error) };
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Parses and type-checks PromQL expressions by running `promtool check rules` on them as recording rules. */
export function checkExpressions(exprs: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "mw-promtool-"));
  try {
    const file = join(dir, "rules.yml");
    const rules = exprs.map((expr, i) => ({ record: `dashboard:expr_${i}`, expr }));
    // JSON is valid YAML.
    writeFileSync(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
    const r = spawnSync(findPromtool() ?? "promtool", ["check", "rules", file], { encoding: "utf8" });
    if (r.error) return { status: null, output: String(r.error) };
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
