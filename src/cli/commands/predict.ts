/** `modelworks predict MODEL@ALIAS FILE --out FILE`: batch scoring without a server. */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../../core/config.js";
import { readTable } from "../../data/read-table.js";
import { openPlatform } from "../../server/open-platform.js";
import { scoreToCsv } from "../../serving/batch-scoring.js";
import { resolveModel } from "../../serving/model-resolver.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";

export const PREDICT_HELP = `Usage: modelworks predict MODEL@ALIAS|MODEL/VERSION FILE --out OUT.csv [--json]

Scores every row of FILE (CSV or Parquet) with a registered model and writes the input rows with
the probability and label (or the prediction, for regression) as CSV, in chunks, with progress.`;

/** Run the `predict` command. */
export async function predictCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_FLAGS, out: { type: "string" } },
  });
  if (values.help) {
    io.out(PREDICT_HELP);
    return 0;
  }
  const [ref, file] = positionals;
  if (!ref || !file) throw new CliError("predict needs MODEL@ALIAS and FILE");
  if (!values.out) throw new CliError("predict needs --out FILE");
  const config = resolveConfig(values, io.env, io.cwd);
  const platform = await openPlatform(config);
  try {
    const model = await resolveModel(ref, { ...platform, cacheDir: join(config.home, "serving-cache") });
    const table = await readTable(resolve(io.cwd, file));
    const started = Date.now();
    const { rows } = await scoreToCsv(model.predictor, table, resolve(io.cwd, values.out), (done, total) => {
      if (!values.json) io.err(`scored ${done}/${total} rows`);
    });
    const seconds = (Date.now() - started) / 1000;
    const summary = { model: model.name, version: model.version, rows, out: values.out, seconds };
    io.out(
      values.json
        ? JSON.stringify(summary)
        : `Scored ${rows} rows with ${model.name} v${model.version} → ${values.out} (${seconds.toFixed(2)} s)`,
    );
    return 0;
  } finally {
    await platform.close();
  }
}
