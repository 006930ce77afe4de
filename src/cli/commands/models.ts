/** `modelworks models ls|show|alias|import-xgboost|fault|export`: registered models and their versions. */
import { parseArgs } from "node:util";
import type { ModelVersion } from "../../core/api/mlflow-entities.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connect, table, when } from "../cli-context.js";
import { importXgboost } from "./import-xgboost.js";
import { EXPORT_FLAGS, exportFormat, exportModel } from "./models-export.js";
import { FAULT_FLAGS, faultModel, faultsFromFlags } from "./models-fault.js";

export const MODELS_HELP = `Usage:
  modelworks models ls [--filter EXPR] [--json]
  modelworks models show NAME [--json]
  modelworks models alias NAME ALIAS VERSION [--json]
  modelworks models import-xgboost FILE --name NAME [--experiment NAME] [--json]
  modelworks models fault MODEL/VERSION [--delay-ms N] [--fail-when COL=V1,V2] [--fail-rate X]
                          [--score-shift X] [--description TEXT] [--json]
  modelworks models export MODEL/VERSION|MODEL@ALIAS --out FILE [--format onnx] [--json]

Lists registered models, shows one with its versions and aliases, and points an alias
(e.g. champion) at a version. Connection flags as for 'modelworks runs'.

'fault' registers a new version of the model: a copy of MODEL/VERSION that misbehaves, for
testing canary rollouts. --delay-ms N (0-60000) answers N ms late when served; --fail-when
COL=V1,V2 fails requests with a row whose COL is V1 or V2; --fail-rate X (0-1) fails that share
of requests; --score-shift X (-1..1) adds X to every score (negative: --score-shift=-0.2).
At least one is required.

'export' writes a version of a model trained here (gbdt or linear) as one ONNX file (--format
onnx, the default), preprocessing included: one input per column ([N, 1]; double for numbers and
booleans, NaN for missing; string for categorical columns), outputs 'label' and 'probabilities'
([N, 2]) for classifiers, 'variable' for regression. onnxruntime's scores equal the platform's
within 1e-6 (regression: float32, as ONNX tree regressors output).`;

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
      ...EXPORT_FLAGS,
    },
  });
  const [sub, ...rest] = positionals;
  if (values.help || !sub) {
    io.out(MODELS_HELP);
    return values.help ? 0 : 2;
  }
  // Checked before connecting, so a bad flag never touches the store.
  const faults = sub === "fault" ? faultsFromFlags(values) : undefined;
  const format = sub === "export" ? exportFormat(values.format) : undefined;
  if (sub === "export" && (!rest[0] || !values.out))
    throw new CliError("models export needs MODEL/VERSION and --out FILE");
  const conn = await connect(values, io);
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
      `unknown subcommand 'models ${sub}' (expected ls, show, alias, import-xgboost, fault or export)`,
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
