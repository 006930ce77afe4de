/**
 * The `remote` runtime: a model version whose MLmodel has a `remote` flavor is answered by an
 * external endpoint (Open Inference Protocol v2: KServe, MLServer, Triton, another `modelworks
 * serve`; or MLflow's scoring protocol: `mlflow models serve`). Loading checks the URL against the
 * outbound guard (the admin's allow-list: the server never calls a URL only because a registration
 * named it), reads the token from the variable the flavor names, and asks the endpoint what it
 * takes (v2 metadata) or whether it is up (mlflow `/ping`).
 */
import { join } from "node:path";
import { invalidParam, MwError } from "../../core/errors.js";
import { OutboundError, type OutboundGuard } from "../../core/http/outbound-request.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { signatureInputs } from "../mlmodel.js";
import type { MlModelFile, ModelKind, ModelRuntime } from "../runtime.js";
import { inputsFromMetadata, kindFromMetadata, parseOipMetadata, planInputs } from "./oip-codec.js";
import { parseRemoteFlavor, type RemoteFlavor } from "./remote-flavor.js";
import { RemoteHttp } from "./remote-http.js";
import { callError, parseAnswer, type RemoteDescription, RemoteModel, statusError } from "./remote-model.js";

/** Settings of the remote runtime (the CLI fills them from `--allow-outbound` and the environment). */
export interface RemoteRuntimeOptions {
  /** Which endpoints may be called: the admin's outbound allow-list. Without it, none may. */
  guard?: OutboundGuard;
  /** Token variables (`MODELWORKS_REMOTE_TOKEN_*`) by name, read from the environment by the CLI. */
  tokens?: Readonly<Record<string, string | undefined>>;
  /** Open connections per endpoint (default 32). */
  maxSockets?: number;
  /** Retries of a call refused before it reached the endpoint (default 2). */
  retries?: number;
  /** Pause before retry n is n × this (default 50 ms). */
  retryDelayMs?: number;
}

const NO_GUARD: OutboundGuard = {
  check: () => "this process has no outbound allow-list",
  resolve: async () => {
    throw new OutboundError("refused", "this process has no outbound allow-list");
  },
};

/** The runtime: accepts folders with a `remote` flavor. */
export function remoteRuntime(options: RemoteRuntimeOptions = {}): ModelRuntime {
  return {
    name: "remote",
    accepts: (mlmodel) => "remote" in mlmodel.flavors,
    load: (dir, mlmodel) => loadRemoteModel(mlmodel, options, join(dir, "MLmodel")),
  };
}

/** Check the flavor and the URL, then ask the endpoint; INVALID_PARAMETER_VALUE (or 503 when it is down) otherwise. */
export async function loadRemoteModel(
  mlmodel: MlModelFile,
  options: RemoteRuntimeOptions,
  where: string,
): Promise<RemoteModel> {
  const flavor = parseRemoteFlavor(mlmodel.flavors.remote ?? {}, where);
  const url = new URL(flavor.url);
  const endpoint = url.host;
  const guard = options.guard ?? NO_GUARD;
  const problem = guard.check(flavor.url);
  if (problem) throw invalidParam(`'${where}': the remote model at ${endpoint} may not be called: ${problem}.`);
  const token = tokenOf(flavor, options, where);
  const http = new RemoteHttp(url.protocol === "https:", {
    guard,
    timeoutMs: flavor.timeoutMs,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
  });
  try {
    const description =
      flavor.protocol === "v2"
        ? await describeV2(http, flavor, mlmodel, where, endpoint, token)
        : await describeMlflow(http, flavor, mlmodel, where, endpoint, token);
    return new RemoteModel(http, flavor, description, endpoint, token);
  } catch (e) {
    http.close();
    // An endpoint that answers wrongly is a registration to fix (400); one out of reach may come back (503).
    if (e instanceof MwError && e.code === "BAD_GATEWAY") throw invalidParam(`'${where}': ${e.message}`);
    throw e;
  }
}

function tokenOf(flavor: RemoteFlavor, options: RemoteRuntimeOptions, where: string): string | undefined {
  if (!flavor.tokenEnv) return undefined;
  const token = options.tokens?.[flavor.tokenEnv];
  if (!token) {
    throw invalidParam(
      `'${where}': the remote model's token variable ${flavor.tokenEnv} is not set in this process's environment.`,
    );
  }
  return token;
}

async function get(http: RemoteHttp, url: URL, endpoint: string): Promise<{ status: number; text: string }> {
  return http.call("GET", url).catch((e: unknown) => {
    throw callError(e, endpoint);
  });
}

/** v2: the model metadata gives the inputs (unless MLmodel has a signature), their datatypes, and the kind. */
async function describeV2(
  http: RemoteHttp,
  flavor: RemoteFlavor,
  mlmodel: MlModelFile,
  where: string,
  endpoint: string,
  token?: string,
): Promise<RemoteDescription> {
  const answer = await get(http, new URL(flavor.url), endpoint);
  if (answer.status !== 200) throw statusError(answer, endpoint, token);
  const meta = parseOipMetadata(parseAnswer(answer.text, endpoint), endpoint);
  const inputs = signatureInputs(mlmodel, where) ?? inputsFromMetadata(meta);
  if (!inputs) {
    throw invalidParam(
      `'${where}' has no input signature and the remote model at ${endpoint} names no input columns (${meta.inputs.map((t) => `${t.name} [${t.shape.join(", ")}]`).join(", ") || "none"}); register it with its inputs.`,
    );
  }
  const plan = planInputs(inputs, meta, endpoint);
  const guessed = kindFromMetadata(meta);
  const kind = flavor.task ?? guessed?.task;
  if (!kind) throw unknownKind(where, endpoint);
  const classes = flavor.classes ?? (guessed?.task === kind ? guessed.classes : undefined);
  return { kind, inputs, plan, ...classesFor(kind, classes, where) };
}

/** mlflow: the server has no metadata: MLmodel gives the inputs and the flavor the kind; `/ping` proves it is up. */
async function describeMlflow(
  http: RemoteHttp,
  flavor: RemoteFlavor,
  mlmodel: MlModelFile,
  where: string,
  endpoint: string,
  token?: string,
): Promise<RemoteDescription> {
  const inputs: SignatureInput[] | undefined = signatureInputs(mlmodel, where);
  if (!inputs) throw invalidParam(`'${where}' has no input signature, which an MLflow scoring endpoint cannot give.`);
  const kind = flavor.task;
  if (!kind) throw unknownKind(where, endpoint);
  const ping = new URL(flavor.url.replace(/\/invocations$/, "/ping"));
  const answer = await get(http, ping, endpoint);
  // A server without /ping (404) is up all the same; 5xx means it is not ready.
  if (answer.status >= 500) throw statusError(answer, endpoint, token);
  return { kind, inputs, ...classesFor(kind, flavor.classes, where) };
}

function classesFor(kind: ModelKind, classes: string[] | undefined, where: string): { classes?: string[] } {
  if (kind === "multiclass" && !classes)
    throw invalidParam(`'${where}': the remote multiclass model needs its classes (in score column order).`);
  if (kind === "regression" || !classes) return {};
  if (kind === "binary" && classes.length !== 2)
    throw invalidParam(`'${where}': a binary model's classes must be [negative, positive], got ${classes.length}.`);
  return { classes };
}

function unknownKind(where: string, endpoint: string): MwError {
  return invalidParam(
    `'${where}': cannot tell what the remote model at ${endpoint} predicts; set its task (binary, regression or multiclass).`,
  );
}
