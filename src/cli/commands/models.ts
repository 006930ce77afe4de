/** `modelworks models ls|show|alias|log|import|import-xgboost|register-remote|fault|export`: registered models and their versions. */
import { parseArgs } from "node:util";
import type { ModelVersion } from "../../core/api/mlflow-entities.js";
import { remoteTokensFrom } from "../../core/config.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connect, table, when } from "../cli-context.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";
import { importXgboost } from "./import-xgboost.js";
import { EXPORT_FLAGS, exportFormat, exportModel } from "./models-export.js";
import { FAULT_FLAGS, faultModel, faultsFromFlags } from "./models-fault.js";
import { LOG_FLAG_OPTIONS, modelsImport, modelsLog } from "./models-log-command.js";
import { registerRemote } from "./models-remote.js";
import { REMOTE_FLAGS } from "./remote-spec.js";

export const MODELS_HELP = `Usage:
  modelworks models ls [--filter EXPR] [--json]
  modelworks models show NAME [--json]
  modelworks models alias NAME ALIAS VERSION [--json]
  modelworks models log DIR --name NAME [--experiment NAME | --run-id RUN] [--alias ALIAS]
                        [--training-data DATASET[@VERSION]] [--json]
  modelworks models import FILE --flavor xgboost|lightgbm|onnx|sklearn (--name NAME [log flags] | --out DIR)
                           [--input-example FILE]
  modelworks models import-xgboost FILE --name NAME [--experiment NAME] [--json]
  modelworks models register-remote NAME --url URL [--protocol v2|mlflow] [--token-env VAR]
                          [--task binary|regression|multiclass] [--classes A,B,...] [--threshold X]
                          [--inputs COL:TYPE,...] [--like MODEL/VERSION|MODEL@ALIAS] [--output TENSOR]
                          [--timeout 10s] [--batch-rows 1000] [--no-check] [--experiment NAME]
                          [--description TEXT] [--allow-outbound HOST...] [--json]
  modelworks models fault MODEL/VERSION [--delay-ms N] [--fail-when COL=V1,V2] [--fail-rate X]
                          [--score-shift X] [--description TEXT] [--json]
  modelworks models export MODEL/VERSION|MODEL@ALIAS --out FILE [--format onnx] [--json]

Lists registered models, shows one with its versions and aliases, and points an alias
(e.g. champion) at a version. Connection flags as for 'modelworks runs'.

'log' uploads an MLflow model folder of any flavor (the folder mlflow.<flavor>.save_model or
log_model writes: MLmodel and its files) into a run, as MLflow's log_model does, and registers it
as the next version of NAME: no MLflow client needed. The folder is loaded first with the runtimes
of this process (native, xgboost, lightgbm, onnx, python: MODELWORKS_PYTHON, default python3) and refused, with the
reason, when none can load it. --run-id logs into an existing run (which must have no model yet)
instead of a new one in --experiment (default: Default); --alias points ALIAS at the new version;
--training-data records a dataset version as the run's training input, from which monitors build
the drift reference.

'import' wraps a bare model file into the MLflow folder the framework's log_model would write, then
logs it as 'log' does. xgboost: JSON, UBJSON or the legacy binary format (a scikit-learn wrapper's
file keeps its class); sklearn: a pickle or cloudpickle file (loaded by the Python workers); onnx:
a graph (the onnx runtime, with onnxruntime-node installed); lightgbm: its text format
(Booster.save_model; the lightgbm runtime). --out DIR writes the folder only. --input-example FILE
(CSV or Parquet with the model's input columns) gives the input signature; without it XGBoost and
LightGBM models use their own feature names.

'fault' registers a new version of the model: a copy of MODEL/VERSION that misbehaves, for
testing canary rollouts. --delay-ms N (0-60000) answers N ms late when served; --fail-when
COL=V1,V2 fails requests with a row whose COL is V1 or V2; --fail-rate X (0-1) fails that share
of requests; --score-shift X (-1..1) adds X to every score (negative: --score-shift=-0.2).
At least one is required.

'register-remote' registers a version answered by an inference endpoint the platform does not run,
so deployments, canaries and monitors use it like any other version: --protocol v2 (Open Inference
Protocol: KServe, MLServer, Triton, another 'modelworks serve'; URL .../v2/models/NAME[/versions/V])
or mlflow ('mlflow models serve'; URL .../invocations); guessed from the URL when left out. The
endpoint is asked for its inputs and outputs (v2 metadata) unless --no-check; --inputs COL:TYPE
(float, int, bool, string, timestamp) or --like VERSION (its inputs, task, classes and drift
reference) say what v2 metadata cannot and what an mlflow endpoint never tells. --task is needed
unless the endpoint's outputs are named like the platform's (probability, probabilities,
prediction). --token-env names the variable (MODELWORKS_REMOTE_TOKEN_*) holding the endpoint's
bearer token in every process that serves the model; no token is stored. --output names the v2
output tensor with the scores (default: probability/predict_proba/... by task, else the first
numeric one). --timeout (default 10s, at most 300s) bounds each call, --batch-rows (default 1000)
splits big batches. The URL's host must be in the outbound allow-list of this command (to check
the endpoint), of the server that registers it, and of each process that serves it.

'export' writes a version of a model trained here (gbdt or linear) as one ONNX file (--format
onnx, the default), preprocessing included: one input per column ([N, 1]; double for numbers and
booleans, NaN for missing; string for categorical columns), outputs 'label' and 'probabilities'
([N, 2]) for classifiers, 'variable' for regression. onnxruntime's scores equal the platform's
within 1e-6 (regression: float32, as ONNX tree regressors output).

${OUTBOUND_HELP}`;

/** Run the `models` command. */
export async function modelsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      filter: { type: "string" },
      name: { type: "string" },
      experiment: { type: "string" },
      ...FAULT_FLAGS,
      ...LOG_FLAG_OPTIONS,
      ...EXPORT_FLAGS,
      ...REMOTE_FLAGS,
      ...OUTBOUND_FLAGS,
    },
  });
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    io.out(MODELS_HELP);
    return values.help ? 0 : 2;
  }
  // Checked before connecting, so a bad flag never touches the store.
  const faults = sub === "fault" ? faultsFromFlags(values) : undefined;
  // import checks and wraps its file before it connects (or never connects, with --out).
  if (sub === "import") return modelsImport(() => connect(values, io), rest, values, io);
  const format = sub === "export" ? exportFormat(values.format) : undefined;
  if (sub === "export" && (!rest[0] || !values.out))
    throw new CliError("models export needs MODEL/VERSION and --out FILE");
  const outbound = outboundPolicyOf(values, io);
  const conn = await connect(values, io, { outbound });
  const api = conn.api;
  try {
    if (sub === "ls") {
      const res = await api.searchRegisteredModels({ filter: values.filter, max_results: 1000 });
      const models = res.registered_models ?? [];
      if (values.json) io.out(JSON.stringify({ registered_models: models }, null, 2));
      else {
        const rows = models.map((m) => [
          m.name,
          (m.aliases ?? []).map((a) => `${a.alias}→v${a.version}`).join(" "),
          String(Math.max(0, ...(m.latest_versions ?? []).map((v) => Number(v.version)))),
          when(m.last_updated_timestamp),
        ]);
        io.out(table(["NAME", "ALIASES", "LATEST", "UPDATED"], rows));
      }
      return 0;
    }
    if (sub === "show") {
      const [name] = rest;
      if (!name) throw new CliError("models show needs a NAME");
      const { registered_model } = await api.getRegisteredModel({ name });
      const versions =
        (await api.searchModelVersions({ filter: `name = '${name.replace(/'/g, "\\'")}'`, max_results: 1000 }))
          .model_versions ?? [];
      if (values.json) io.out(JSON.stringify({ registered_model, model_versions: versions }, null, 2));
      else
        io.out(
          describeModel(registered_model.name, registered_model.description, registered_model.aliases ?? [], versions),
        );
      return 0;
    }
    if (sub === "alias") {
      const [name, alias, version] = rest;
      if (!name || !alias || !version) throw new CliError("models alias needs NAME ALIAS VERSION");
      await api.setRegisteredModelAlias({ name, alias, version });
      const { model_version } = await api.getModelVersionByAlias({ name, alias });
      if (values.json) io.out(JSON.stringify({ name, alias, version: model_version.version }));
      else io.out(`${name}@${alias} → version ${model_version.version}`);
      return 0;
    }
    if (sub === "import-xgboost") {
      const [file] = rest;
      if (!file || !values.name) throw new CliError("models import-xgboost needs FILE and --name NAME");
      const res = await importXgboost(conn, file, { name: values.name, experiment: values.experiment, cwd: io.cwd });
      if (values.json) io.out(JSON.stringify(res, null, 2));
      else
        io.out(
          `Registered ${res.name} version ${res.version} (${res.objective}, ${res.trees} trees; run ${res.run_id})`,
        );
      return 0;
    }
    if (sub === "register-remote") {
      const [name] = rest;
      if (!name) throw new CliError("models register-remote needs a NAME");
      const res = await registerRemote(conn, name, {
        flags: values,
        guard: outbound,
        tokens: remoteTokensFrom(io.env),
      });
      if (values.json) io.out(JSON.stringify(res, null, 2));
      else
        io.out(
          `Registered ${res.name} version ${res.version}: remote ${res.protocol} model at ${res.endpoint} (${res.task}, ${res.inputs} inputs; run ${res.run_id})`,
        );
      return 0;
    }
    if (sub === "log") return await modelsLog(conn, rest, values, io);
    if (sub === "fault" && faults) {
      const [ref] = rest;
      if (!ref) throw new CliError("models fault needs MODEL/VERSION");
      const res = await faultModel(conn, ref, faults, { description: values.description });
      if (values.json) io.out(JSON.stringify(res));
      else io.out(`Registered ${res.model.name} version ${res.model.version} (faults: ${JSON.stringify(res.faults)})`);
      return 0;
    }
    if (sub === "export" && format) {
      const res = await exportModel(conn, rest[0] as string, { format, out: values.out as string, cwd: io.cwd });
      if (values.json) io.out(JSON.stringify(res));
      else
        io.out(
          `Exported ${res.model.name} version ${res.model.version} (${res.algo}, ${res.task}, ${res.inputs.length} inputs) as ${res.format.toUpperCase()} → ${res.out} (${res.bytes} bytes)`,
        );
      return 0;
    }
    throw new CliError(
      `unknown subcommand 'models ${sub}' (expected ls, show, alias, log, import, import-xgboost, register-remote, fault or export)`,
    );
  } finally {
    await conn.close();
  }
}

function describeModel(
  name: string,
  description: string | undefined,
  aliases: { alias: string; version: string }[],
  versions: ModelVersion[],
): string {
  const lines = [`Model ${name}${description ? ` — ${description}` : ""}`];
  if (aliases.length) lines.push(`aliases: ${aliases.map((a) => `${a.alias}→v${a.version}`).join(", ")}`);
  const sorted = [...versions].sort((a, b) => Number(b.version) - Number(a.version));
  lines.push(
    table(
      ["VERSION", "STATUS", "ALIASES", "RUN", "CREATED", "SOURCE"],
      sorted.map((v) => [
        v.version,
        v.status,
        (v.aliases ?? []).join(","),
        v.run_id ?? "-",
        when(v.creation_timestamp),
        v.source,
      ]),
    ),
  );
  return lines.join("\n");
}
