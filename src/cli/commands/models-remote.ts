/**
 * `modelworks models register-remote NAME --url URL [--protocol v2|mlflow]`: register a version
 * answered by an external endpoint. The version's folder holds an MLmodel with a `remote` flavor
 * (where the endpoint is, its protocol and kind, the name of its token variable — never a token)
 * and the input signature, so serving, rollouts and monitors load it like any other version.
 */
import { Readable } from "node:stream";
import { stringify as stringifyYaml } from "yaml";
import { isMwError } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import type { ModelSignature, SignatureInput } from "../../learn/package/model-package.js";
import { parseMlModel } from "../../runtimes/mlmodel.js";
import type { RemoteFlavor } from "../../runtimes/remote/remote-flavor.js";
import { loadRemoteModel } from "../../runtimes/remote/remote-runtime.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import type { Connection } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { sourceVersion } from "./models-fault.js";
import {
  flavorFromFlags,
  inputsFromFlag,
  type RemoteFlags,
  remoteManifest,
  signatureFile,
  storedFlavor,
  withTemplate,
} from "./remote-spec.js";
import { artifactRoot, experimentFor } from "./training-run.js";

/** The `--json` answer. */
export interface RemoteRegistration {
  name: string;
  version: string;
  run_id: string;
  protocol: RemoteFlavor["protocol"];
  /** The endpoint's host and port. */
  endpoint: string;
  task: ModelSignature["task"];
  inputs: number;
  /** The version the signature and drift reference were taken from (`--like`). */
  like?: string;
}

export interface RegisterRemoteOptions {
  flags: RemoteFlags & { experiment?: string; description?: string };
  /** Which endpoints this process may call to check the registration. */
  guard: OutboundGuard;
  /** MODELWORKS_REMOTE_TOKEN_* variables of this process. */
  tokens: Record<string, string>;
}

/** Check the endpoint (unless --no-check), then log the folder on a run and register it as NAME's next version. */
export async function registerRemote(
  conn: Connection,
  name: string,
  o: RegisterRemoteOptions,
): Promise<RemoteRegistration> {
  let flavor = flavorFromFlags(o.flags);
  const template = o.flags.like ? await templateOf(conn, o.flags.like) : undefined;
  flavor = withTemplate(flavor, template?.signature);
  let inputs: SignatureInput[] | undefined = o.flags.inputs
    ? inputsFromFlag(o.flags.inputs)
    : template?.signature.inputs;
  let found: { kind: ModelSignature["task"]; classes?: readonly string[] } | undefined;
  if (o.flags["no-check"]) {
    if (!inputs || !flavor.task)
      throw new CliError("--no-check needs the inputs and the task: give --inputs and --task, or --like MODEL/VERSION");
    found = { kind: flavor.task, ...(flavor.classes ? { classes: flavor.classes } : {}) };
  } else {
    // Load it as serving will: the URL checked against this process's allow-list, the endpoint asked.
    const manifest = parseMlModel(stringifyYaml(remoteManifest(flavor, inputs ?? [])), "MLmodel");
    if (!inputs) delete manifest.signature;
    const model = await loadRemoteModel(manifest, { guard: o.guard, tokens: o.tokens }, "the remote model");
    await model.close();
    inputs = model.signature.inputs;
    found = { kind: model.kind, ...(model.classes ? { classes: model.classes } : {}) };
  }
  const stored = storedFlavor(flavor, found);
  const signature = signatureOf(stored, inputs as SignatureInput[]);
  const api = conn.api;
  const experimentId = await experimentFor(api, o.flags.experiment);
  const endpoint = new URL(stored.url).host;
  const { run } = await api.createRun({
    experiment_id: experimentId,
    run_name: `remote-${name}`,
    start_time: Date.now(),
    tags: [
      { key: "mlflow.source.name", value: "modelworks models register-remote" },
      { key: "modelworks.remote", value: `${stored.protocol} ${endpoint}` },
      ...(o.flags.like ? [{ key: "modelworks.remote.like", value: o.flags.like }] : []),
    ],
  });
  const runId = run.info.run_id;
  try {
    const root = `${artifactRoot(run.info.artifact_uri)}/model`;
    const manifest = { ...remoteManifest(stored, signature.inputs, runId), utc_time_created: new Date().toISOString() };
    await put(conn.artifacts, `${root}/MLmodel`, stringifyYaml(manifest));
    await put(conn.artifacts, `${root}/signature.json`, signatureFile(signature));
    if (template?.driftReference) await put(conn.artifacts, `${root}/drift-reference.json`, template.driftReference);
    await api.logModel({ run_id: runId, model_json: JSON.stringify(manifest) });
    await api.createRegisteredModel({ name }).catch((e: unknown) => {
      if (!isMwError(e) || e.code !== "RESOURCE_ALREADY_EXISTS") throw e;
    });
    const { model_version } = await api.createModelVersion({
      name,
      source: `${run.info.artifact_uri}/model`,
      run_id: runId,
      tags: [{ key: "modelworks.remote", value: `${stored.protocol} ${endpoint}` }],
      ...(o.flags.description !== undefined ? { description: o.flags.description } : {}),
    });
    await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
    return {
      name,
      version: model_version.version,
      run_id: runId,
      protocol: stored.protocol,
      endpoint,
      task: signature.task,
      inputs: signature.inputs.length,
      ...(o.flags.like ? { like: o.flags.like } : {}),
    };
  } catch (e) {
    await api.updateRun({ run_id: runId, status: "FAILED", end_time: Date.now() }).catch(() => {});
    throw e;
  }
}

/** The platform's signature of the stored flavor. */
function signatureOf(flavor: RemoteFlavor, inputs: SignatureInput[]): ModelSignature {
  const task = flavor.task as ModelSignature["task"];
  const signature: ModelSignature = { task, inputs };
  if (task === "multiclass" && flavor.classes) signature.classes = [...flavor.classes];
  if (task === "binary") {
    signature.threshold = flavor.threshold ?? 0.5;
    if (flavor.classes)
      Object.assign(signature, { negative_class: flavor.classes[0], positive_class: flavor.classes[1] });
  }
  return signature;
}

/** `--like REF`: that version's signature.json and, when it has one, its drift reference. */
async function templateOf(
  conn: Connection,
  ref: string,
): Promise<{ signature: ModelSignature; driftReference?: string }> {
  const mv = await sourceVersion(conn, ref);
  const { artifact_uri } = await conn.api.getModelVersionDownloadUri({ name: mv.name, version: mv.version });
  const root = artifactRoot(artifact_uri);
  const signature = await read(conn.artifacts, `${root}/signature.json`);
  if (signature === undefined)
    throw new CliError(`--like ${ref}: model ${mv.name}/${mv.version} has no signature.json; give --inputs and --task`);
  const driftReference = await read(conn.artifacts, `${root}/drift-reference.json`);
  return { signature: JSON.parse(signature) as ModelSignature, ...(driftReference ? { driftReference } : {}) };
}

async function read(artifacts: ArtifactStore, path: string): Promise<string | undefined> {
  try {
    return (await readAllBytes((await artifacts.get(path)).stream)).toString("utf8");
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return undefined;
    throw e;
  }
}

async function put(artifacts: ArtifactStore, path: string, text: string): Promise<void> {
  await artifacts.put(path, Readable.from([Buffer.from(text)]));
}
