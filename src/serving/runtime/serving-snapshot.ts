/** What a deployment serves at one moment: immutable, swapped whole, so a request sees one consistent view. */
import { MwError } from "../../core/errors.js";
import type { ModelSignature, SignatureInput } from "../../learn/package/model-package.js";
import type { Deployment, RoutingKey } from "../deployments/deployment.js";
import type { FeatureLookup } from "../features/feature-lookup.js";
import type { ResolvedModel } from "../model-resolver.js";

/** One model answering for a deployment, with its metric labels ready. */
export interface ServedVariant {
  kind: "primary" | "candidate";
  model: ResolvedModel;
  labels: { deployment: string; model: string; version: string; variant: string };
}

export interface ServingSnapshot {
  deployment: string;
  generation: number;
  primary: ServedVariant;
  candidate?: ServedVariant;
  /** The candidate's share in percent (0 in shadow mode). */
  weight: number;
  shadow: boolean;
  routingKey?: RoutingKey;
  logSampling: number;
  /**
   * What MLflow-protocol requests are parsed against: the primary's signature, the candidate's extra
   * inputs, and the routing key column as an optional string input when no model uses it.
   */
  signature: ModelSignature;
  /** The same without optional inputs (V2 tensors are matched by position as well as name). */
  v2Signature: ModelSignature;
  /** The deployment's feature service: MLflow-protocol requests are completed from the online store. */
  features?: FeatureLookup;
}

/** Build a snapshot; a candidate whose inputs conflict with the primary's is refused. */
export function makeSnapshot(
  d: Deployment,
  primary: ResolvedModel,
  candidate?: ResolvedModel,
  features?: FeatureLookup,
): ServingSnapshot {
  const variant = (kind: ServedVariant["kind"], model: ResolvedModel): ServedVariant => ({
    kind,
    model,
    labels: { deployment: d.name, model: model.name, version: model.version, variant: kind },
  });
  const models = candidate
    ? mergeSignatures(primary.predictor.signature, candidate.predictor.signature)
    : primary.predictor.signature;
  const snap: ServingSnapshot = {
    deployment: d.name,
    generation: d.generation,
    primary: variant("primary", primary),
    weight: candidate && !d.shadow ? d.candidateWeight : 0,
    shadow: candidate !== undefined && d.shadow,
    logSampling: d.logSampling,
    signature: withRoutingColumn(models, d.routingKey),
    v2Signature: models,
  };
  if (features) {
    snap.signature = features.requestSignature(snap.signature);
    snap.features = features;
  }
  if (candidate) snap.candidate = variant("candidate", candidate);
  if (d.routingKey) snap.routingKey = d.routingKey;
  return snap;
}

/** Parse the routing key column too (optional, as text) when it is not a model input. */
function withRoutingColumn(signature: ModelSignature, key: RoutingKey | undefined): ModelSignature {
  if (key?.source !== "column" || signature.inputs.some((i) => i.name === key.name)) return signature;
  return { ...signature, inputs: [...signature.inputs, { name: key.name, type: "string", optional: true }] };
}

/** The primary's signature plus any inputs only the candidate needs; a type clash is an error. */
export function mergeSignatures(primary: ModelSignature, candidate: ModelSignature): ModelSignature {
  const byName = new Map(primary.inputs.map((i) => [i.name, i]));
  const extra: SignatureInput[] = [];
  for (const c of candidate.inputs) {
    const p = byName.get(c.name);
    if (!p) extra.push(c);
    else if (p.type !== c.type)
      throw new MwError(
        "INVALID_STATE",
        `The candidate expects input '${c.name}' as ${c.type} but the primary expects ${p.type}; they cannot share requests.`,
      );
  }
  if (candidate.task !== primary.task)
    throw new MwError(
      "INVALID_STATE",
      `The candidate is a ${candidate.task} model but the primary is ${primary.task}; they cannot share a deployment.`,
    );
  return extra.length === 0 ? primary : { ...primary, inputs: [...primary.inputs, ...extra] };
}
