/**
 * The `models register-remote` flags as a remote flavor and a signature, checked before anything
 * is called or stored; and the files of the version's folder (MLmodel, signature.json).
 */
import { parseDuration } from "../../core/duration.js";
import { isMwError } from "../../core/errors.js";
import { canonicalJson, type ModelSignature, type SignatureInput } from "../../learn/package/model-package.js";
import {
  parseRemoteFlavor,
  type RemoteFlavor,
  type RemoteProtocol,
  remoteFlavorDocument,
} from "../../runtimes/remote/remote-flavor.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import { CliError } from "../cli-context.js";
import { cliParse } from "../cli-flags.js";

/** The command's own flags (declared with the other `models` flags). */
export const REMOTE_FLAGS = {
  url: { type: "string" },
  protocol: { type: "string" },
  "token-env": { type: "string" },
  task: { type: "string" },
  classes: { type: "string" },
  threshold: { type: "string" },
  output: { type: "string" },
  timeout: { type: "string" },
  "batch-rows": { type: "string" },
  inputs: { type: "string" },
  like: { type: "string" },
  "no-check": { type: "boolean" },
} as const;

export type RemoteFlags = {
  [K in keyof typeof REMOTE_FLAGS]?: (typeof REMOTE_FLAGS)[K]["type"] extends "boolean" ? boolean : string;
};

const INPUT_TYPES: readonly SignatureInput["type"][] = ["float", "int", "bool", "string", "timestamp"];
const MLFLOW_TYPES: Record<SignatureInput["type"], string> = {
  float: "double",
  int: "long",
  bool: "boolean",
  string: "string",
  timestamp: "datetime",
};

/** The flavor the flags describe; a CliError naming the flag for a bad value. */
export function flavorFromFlags(f: RemoteFlags): RemoteFlavor {
  if (!f.url) throw new CliError("models register-remote needs --url URL");
  const protocol = (f.protocol ?? guessProtocol(f.url)) as RemoteProtocol;
  const doc: Record<string, unknown> = { protocol, url: f.url };
  if (f["token-env"] !== undefined) doc.token_env = f["token-env"];
  if (f.task !== undefined) doc.task = f.task;
  if (f.classes !== undefined) doc.classes = f.classes.split(",").map((c) => c.trim());
  if (f.threshold !== undefined) doc.threshold = f.threshold.trim() === "" ? Number.NaN : Number(f.threshold);
  if (f.output !== undefined) doc.output = f.output;
  if (f.timeout !== undefined) doc.timeout_ms = cliParse(() => parseDuration("--timeout", f.timeout as string));
  if (f["batch-rows"] !== undefined) doc.batch_rows = Number(f["batch-rows"]);
  // The flavor's own checks, with messages naming the flag rather than the MLmodel setting.
  try {
    return parseRemoteFlavor(doc, "flags");
  } catch (e) {
    if (!isMwError(e)) throw e;
    const message = e.message.replace("'flags': remote flavor ", "");
    throw new CliError(message.replace(/'([a-z_]+)'/, (m, key: string) => FLAG_OF[key] ?? m));
  }
}

const FLAG_OF: Record<string, string> = {
  protocol: "--protocol",
  url: "--url",
  token_env: "--token-env",
  task: "--task",
  classes: "--classes",
  threshold: "--threshold",
  output: "--output",
  timeout_ms: "--timeout",
  batch_rows: "--batch-rows",
};

/** v2 when the URL has `/v2/models/`, mlflow when it ends with `/invocations`; else --protocol is needed. */
function guessProtocol(url: string): string {
  if (/\/v2\/models\//.test(url)) return "v2";
  if (/\/invocations\/?$/.test(url)) return "mlflow";
  throw new CliError("--protocol v2|mlflow is needed: the URL names neither /v2/models/NAME nor /invocations");
}

/** `--inputs COL:TYPE,...` (TYPE: float, int, bool, string, timestamp). */
export function inputsFromFlag(text: string): SignatureInput[] {
  const inputs = text.split(",").map((part) => {
    const [name, type] = part.split(":").map((s) => s.trim());
    if (!name || !INPUT_TYPES.includes(type as SignatureInput["type"]))
      throw new CliError(
        `--inputs must be COL:TYPE[,COL:TYPE...] with TYPE one of ${INPUT_TYPES.join(", ")}, got '${part}'`,
      );
    return { name, type: type as SignatureInput["type"] };
  });
  if (new Set(inputs.map((i) => i.name)).size !== inputs.length) throw new CliError("--inputs names a column twice");
  return inputs;
}

/** The flavor with what a template signature (`--like`) adds where the flags said nothing. */
export function withTemplate(flavor: RemoteFlavor, like: ModelSignature | undefined): RemoteFlavor {
  if (!like) return flavor;
  const out: RemoteFlavor = { ...flavor };
  out.task ??= like.task;
  if (!out.classes && out.task === like.task) {
    if (like.task === "multiclass" && like.classes) out.classes = [...like.classes];
    if (like.task === "binary" && like.positive_class !== undefined && like.negative_class !== undefined)
      out.classes = [like.negative_class, like.positive_class];
  }
  if (out.threshold === undefined && like.task === "binary" && like.threshold !== undefined)
    out.threshold = like.threshold;
  return out;
}

/** The flavor as stored, completed with what loading found (task and classes), so later loads need not guess. */
export function storedFlavor(
  flavor: RemoteFlavor,
  found: { kind: ModelKind; classes?: readonly string[] },
): RemoteFlavor {
  const out: RemoteFlavor = { ...flavor, task: found.kind };
  if (found.classes && found.kind !== "regression") out.classes = [...found.classes];
  return out;
}

/** The MLmodel document: the remote flavor, MLflow's column signature, the run. */
export function remoteManifest(
  flavor: RemoteFlavor,
  inputs: readonly SignatureInput[],
  runId?: string,
): Record<string, unknown> {
  const columns = inputs.map((i) => ({
    name: i.name,
    type: MLFLOW_TYPES[i.type],
    ...(i.optional ? { required: false } : {}),
  }));
  return {
    artifact_path: "model",
    flavors: { remote: remoteFlavorDocument(flavor) },
    signature: { inputs: JSON.stringify(columns), outputs: null },
    ...(runId ? { run_id: runId } : {}),
  };
}

/** signature.json: the platform's signature, which monitors read. */
export function signatureFile(signature: ModelSignature): string {
  return canonicalJson(signature);
}
