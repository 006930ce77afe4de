/** `modelworks serve MODEL@ALIAS|MODEL/VERSION [--host --port]`: the inference server for one model. */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../../core/config.js";
import { openPlatform } from "../../server/open-platform.js";
import { resolveModel } from "../../serving/model-resolver.js";
import { buildServingApp } from "../../serving/serving-app.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { waitForSignal } from "./server.js";

export const SERVE_HELP = `Usage: modelworks serve MODEL@ALIAS|MODEL/VERSION [--host 127.0.0.1] [--port 8080] [--home DIR]

Loads a registered model version from the embedded store and serves it:
  MLflow scoring protocol: POST /invocations (JSON dataframe_split, dataframe_records, instances,
  inputs, or text/csv), GET /ping, /health, /version;
  Open Inference Protocol v2: /v2, /v2/health/live|ready, /v2/models/NAME[/versions/V][/ready|/infer].
Responses carry each row's probability and label at the model's threshold, and the answering
model version in the x-modelworks-model header. Ready only once the model is loaded.`;

/** Run the `serve` command until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_FLAGS, host: { type: "string" }, port: { type: "string" } },
  });
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  const [ref] = positionals;
  if (!ref) throw new CliError("serve needs MODEL@ALIAS or MODEL/VERSION");
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0-65535, got '${values.port}'`);
  const config = resolveConfig(values, io.env, io.cwd);
  const platform = await openPlatform(config);
  try {
    const model = await resolveModel(ref, { ...platform, cacheDir: join(config.home, "serving-cache") });
    const app = buildServingApp({ model: () => model, version: VERSION });
    const host = values.host ?? "127.0.0.1";
    await app.listen({ host, port }).catch((e: Error) => {
      throw new CliError(`cannot listen on ${host}:${port}: ${e.message}`);
    });
    const addr = app.server.address();
    const url = `http://${host}:${typeof addr === "object" && addr ? addr.port : port}`;
    io.out(
      values.json
        ? JSON.stringify({ url, model: model.name, version: model.version })
        : `Serving ${model.name} version ${model.version} on ${url}`,
    );
    await waitForSignal();
    await app.close();
    return 0;
  } finally {
    await platform.close();
  }
}
