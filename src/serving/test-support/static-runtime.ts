/** Runtimes over in-memory models, for tests of the inference routes. */
import type { FastifyInstance } from "fastify";
import { systemClock } from "../../core/clock.js";
import { MwError } from "../../core/errors.js";
import type { Predictor } from "../../learn/package/load-model.js";
import { nativeModel } from "../../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { Deployment } from "../deployments/deployment.js";
import { DEFAULT_LOG_RETENTION_MS } from "../deployments/deployment.js";
import { ServingMetrics } from "../metrics/serving-metrics.js";
import type { ResolvedModel } from "../model-resolver.js";
import type { ModelSource, RuntimeObserver } from "../runtime/deployment-runtime.js";
import { DeploymentRuntime } from "../runtime/deployment-runtime.js";
import type { ServingAppDeps } from "../serving-app.js";
import { buildServingApp } from "../serving-app.js";
import { singleTarget } from "../serving-targets.js";

/** A model for tests: a runtime's LoadedModel, or a native Predictor (wrapped as the native runtime does). */
export interface TestModel {
  name: string;
  version: string;
  predictor: Predictor | LoadedModel;
}

/** A test model as the serving path sees it. */
export function resolvedOf(m: TestModel): ResolvedModel {
  const p = m.predictor;
  return { name: m.name, version: m.version, predictor: "runtime" in p ? p : nativeModel(p) };
}

/** A model source over fixed versions; `aliases` maps `name@alias` to a version. */
export function memorySource(
  testModels: TestModel[],
  aliases: Record<string, string> = {},
  failing: ReadonlySet<string> = new Set(),
): ModelSource & { aliases: Record<string, string> } {
  const models = testModels.map(resolvedOf);
  return {
    aliases,
    lookup: async (ref) => {
      const v = ref.alias ? aliases[`${ref.name}@${ref.alias}`] : ref.version;
      if (v === undefined || !models.some((m) => m.name === ref.name && m.version === v))
        throw new MwError("RESOURCE_DOES_NOT_EXIST", `No model ${ref.name} ${ref.alias ?? ref.version}`);
      return v;
    },
    load: async (name, version) => {
      if (failing.has(`${name}/${version}`)) throw new Error("corrupt package");
      const m = models.find((x) => x.name === name && x.version === version);
      if (!m) throw new Error(`no model ${name}/${version}`);
      return m;
    },
  };
}

/** A deployment record with defaults. */
export function deploymentOf(fields: Partial<Deployment> & { name: string; primary: string }): Deployment {
  return {
    candidateWeight: 0,
    shadow: false,
    onAliasChange: "swap",
    logSampling: 1,
    logRetentionMs: DEFAULT_LOG_RETENTION_MS,
    archiveLog: false,
    status: "active",
    generation: 1,
    createdTime: 0,
    updatedTime: 0,
    ...fields,
  };
}

/** A started runtime whose deployment is whatever `current()` returns at each refresh. */
export async function staticRuntime(
  current: () => Deployment,
  source: ModelSource,
  observer?: RuntimeObserver,
): Promise<DeploymentRuntime> {
  const rt = new DeploymentRuntime(current().name, {
    source: async () => current(),
    loader: source,
    clock: systemClock,
    ...(observer ? { observer } : {}),
    retryAfterMs: 0,
  });
  await rt.start();
  return rt;
}

/** An inference app over one deployment of in-memory models, with fresh metrics. */
export async function testServingApp(
  deployment: Deployment,
  models: TestModel[],
  extra: Partial<ServingAppDeps> & {
    aliases?: Record<string, string>;
    /** `name/version`s whose load fails. */
    failing?: ReadonlySet<string>;
    observer?: RuntimeObserver;
  } = {},
): Promise<{
  app: FastifyInstance;
  runtime: DeploymentRuntime;
  metrics: ServingMetrics;
  /** Change the stored deployment (takes effect at the runtime's next refresh). */
  setDeployment: (d: Deployment) => void;
}> {
  const { aliases, failing, observer, ...deps } = extra;
  let current = deployment;
  const runtime = await staticRuntime(() => current, memorySource(models, aliases, failing), observer);
  const metrics = deps.metrics ?? new ServingMetrics();
  const app = buildServingApp({
    targets: singleTarget(runtime),
    version: "test",
    clock: systemClock,
    ...deps,
    metrics,
  });
  const setDeployment = (d: Deployment) => {
    current = d;
  };
  return { app, runtime, metrics, setDeployment };
}
