/** `modelworks predict MODEL@ALIAS FILE --out FILE`: batch scoring without a server. */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../../core/config.js";
import { readTable } from "../../data/read-table.js";
import { openPlatform } from "../../server/open-platform.js";
import type { OutputFormat } from "../../serving/batch-scoring.js";
import { OUTPUT_FORMATS, outputFormatFromPath, scoreToFile } from "../../serving/batch-scoring.js";
import { resolveModel } from "../../serving/model-resolver.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";

export const PREDICT_HELP = `Usage: modelworks predict MODEL@ALIAS|MODEL/VERSION|models:/m-ID FILE --out OUT.csv|OUT.parquet
                         [--format csv|parquet] [--json]

Scores every row of FILE (CSV or Parquet) with a registered model (or an MLflow 3 logged model,
named by its id) and writes the input rows with its outputs: binary \`probability\` and \`label\`;
regression \`prediction\`; multiclass \`probability_CLASS\` per class and \`label\` (the top
class). CSV or Parquet, chosen by --format or else by OUT's extension (.csv, .parquet). Rows are scored and written in chunks (a Parquet row
group each), with progress on stderr. --json prints only a summary object (rows, out, format,
model, version, seconds). A remote model version (models register-remote) is called only when its
host is allowed:
${OUTBOUND_HELP}`;

/** Run the `predict` command. */
export async function predictCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_FLAGS, ...OUTBOUND_FLAGS, out: { type: "string" }, format: { type: "string" } },
  });
  if (values.help) {
    io.out(PREDICT_HELP);
    return 0;
  }
  const [ref, file] = positionals;
  if (!ref || !file) throw new CliError("predict needs MODEL@ALIAS and FILE");
  if (!values.out) throw new CliError("predict needs --out FILE");
  // Checked before the model is loaded, so a typo fails fast.
  const format = outputFormat(values.out, values.format);
  const config = resolveConfig(values, io.env, io.cwd);
  const platform = await openPlatform(config, { outbound: outboundPolicyOf(values, io) });
  try {
    const model = await resolveModel(ref, { ...platform, cacheDir: join(config.home, "serving-cache") });
    const started = Date.now();
    const { rows } = await readTable(resolve(io.cwd, file))
      .then((table) =>
        scoreToFile(model.predictor, table, resolve(io.cwd, values.out as string), {
          format,
          progress: values.json ? () => {} : (done, total) => io.err(`scored ${done}/${total} rows`),
        }),
      )
      .finally(() => model.close?.());
    const seconds = (Date.now() - started) / 1000;
    const summary = { rows, out: values.out, format, model: model.name, version: model.version, seconds };
    io.out(
      values.json
        ? JSON.stringify(summary)
        : `Scored ${rows} rows with ${model.version ? `${model.name} v${model.version}` : model.name} → ${values.out} (${format}, ${seconds.toFixed(2)} s)`,
    );
    return 0;
  } finally {
    await platform.close();
  }
}

function outputFormat(out: string, flag: string | undefined): OutputFormat {
  if (flag !== undefined) {
    if ((OUTPUT_FORMATS as readonly string[]).includes(flag)) return flag as OutputFormat;
    throw new CliError(`--format must be one of ${OUTPUT_FORMATS.join(", ")}, not '${flag}'`);
  }
  const format = outputFormatFromPath(out);
  if (!format) {
    throw new CliError(
      `cannot tell the output format from '${out}': name it .csv or .parquet, or pass --format csv|parquet`,
    );
  }
  return format;
}
