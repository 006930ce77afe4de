/**
 * A copy of the worked example `examples/churn/pipeline.yaml` for end-to-end trigger tests: the same
 * steps, with small Telco slices as data, fewer trees, a short rollout interval and the triggers a
 * test asks for. The example is edited field by field (not rewritten), so a change to its steps
 * reaches the tests.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isSeq, parseDocument } from "yaml";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/churn/pipeline.yaml", import.meta.url));

/** The files of a prepared pipeline folder. */
export interface ChurnTriggerPipeline {
  /** The pipeline file (`pipeline.yaml`). */
  specPath: string;
  /** The watched folder of its folder trigger. */
  incoming: string;
  /** The default `params.file` (a Telco slice) and the holdout. */
  trainCsv: string;
  holdoutCsv: string;
  /** The steps of the example, in order, to check the copy kept them. */
  steps: string[];
}

export interface ChurnTriggerOptions {
  /** The `triggers:` list, as YAML values (e.g. `{cron: "* * * * *"}`). */
  triggers: unknown[];
  trees?: number;
  /** The deploy step's rollout interval (default 2s). */
  rolloutInterval?: string;
}

/** The header plus rows `[from, to)` (0-based data rows) of the Telco CSV, as CSV text. */
export function telcoSlice(from: number, to: number): string {
  const lines = readFileSync(TELCO_CSV, "utf8").split(/\r?\n/);
  return `${[lines[0], ...lines.slice(1 + from, 1 + to)].join("\n")}\n`;
}

/** Write `text` to `path` all at once (a temporary name first), so a folder watcher never sees half a file. */
export function dropFile(path: string, text: string): void {
  const tmp = join(dirname(path), `.${Date.now()}.partial`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Write the pipeline into `dir`: `pipeline.yaml` (the example with its params, triggers and rollout
 * interval replaced), `train.csv` (rows 0–2000), `holdout.csv` (rows 2000–3000) and `incoming/`.
 */
export function writeChurnTriggerPipeline(dir: string, options: ChurnTriggerOptions): ChurnTriggerPipeline {
  mkdirSync(join(dir, "incoming"), { recursive: true });
  const trainCsv = join(dir, "train.csv");
  const holdoutCsv = join(dir, "holdout.csv");
  writeFileSync(trainCsv, telcoSlice(0, 2000));
  writeFileSync(holdoutCsv, telcoSlice(2000, 3000));

  const doc = parseDocument(readFileSync(EXAMPLE, "utf8"));
  const need = (path: (string | number)[]) => {
    if (!doc.hasIn(path)) throw new Error(`examples/churn/pipeline.yaml has no ${path.join(".")}; update this helper`);
  };
  for (const p of [["params", "file"], ["params", "holdout"], ["params", "trees"], ["triggers"]]) need(p);
  doc.setIn(["params", "file"], "train.csv");
  doc.setIn(["params", "holdout"], "holdout.csv");
  doc.setIn(["params", "trees"], options.trees ?? 10);
  doc.set("triggers", doc.createNode(options.triggers));
  const steps = doc.get("steps");
  if (!isSeq(steps)) throw new Error("examples/churn/pipeline.yaml: steps is not a list");
  const names: string[] = [];
  for (const step of steps.items) {
    if (!isMap(step)) continue;
    names.push(String(step.get("name")));
    if (step.get("type") === "deploy") step.setIn(["with", "interval"], options.rolloutInterval ?? "2s");
  }
  if (!names.includes("deploy")) throw new Error("examples/churn/pipeline.yaml has no deploy step; update this helper");
  const specPath = join(dir, "pipeline.yaml");
  writeFileSync(specPath, doc.toString({ lineWidth: 0 }));
  return { specPath, incoming: join(dir, "incoming"), trainCsv, holdoutCsv, steps: names };
}
