/**
 * Registry trigger: poll the model registry and report an alias that moved (`{model, alias}`) or a
 * new version of a model (`{model}`). The first poll only learns the current state, so what was
 * there when `up` started fires nothing; a change is reported once per watcher.
 */
import { createHash } from "node:crypto";
import { isMwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { PipelineSpec, TriggerSpec } from "../pipeline-spec.js";
import type { DeliveryKeys, GitDeliveries } from "./git-deliveries.js";

type RegistryTrigger = Extract<TriggerSpec, { type: "registry" }>;

/** What the watcher reads from the registry. */
export interface RegistryReader {
  /** The version `alias` names now, or undefined when it is not set (or the model is missing). */
  aliasVersion(model: string, alias: string): Promise<string | undefined>;
  /** The newest version of `model`, or undefined when it has none (or is missing). */
  latestVersion(model: string): Promise<string | undefined>;
  /** When the model last changed (an alias set, a version added), to tell two moves to one version apart. */
  lastUpdated(model: string): Promise<number | undefined>;
}

/** The {@link RegistryReader} of a registry store (an unset alias or a missing model reads as undefined). */
export function registryReader(
  store: Pick<RegistryStore, "getModelVersionByAlias" | "getRegisteredModel">,
): RegistryReader {
  const model = (name: string) => store.getRegisteredModel({ name }).catch(absent);
  return {
    aliasVersion: async (name, alias) => (await store.getModelVersionByAlias({ name, alias }).catch(absent))?.version,
    latestVersion: async (name) => {
      // The newest version is the latest of its stage, so the highest of the per-stage latest.
      const versions = ((await model(name))?.latest_versions ?? []).map((v) => Number(v.version));
      return versions.length ? String(Math.max(...versions)) : undefined;
    },
    lastUpdated: async (name) => (await model(name))?.last_updated_timestamp,
  };
}

function absent(e: unknown): undefined {
  // An unset alias is INVALID_PARAMETER_VALUE (as in MLflow); a missing model, RESOURCE_DOES_NOT_EXIST.
  if (isMwError(e) && (e.code === "INVALID_PARAMETER_VALUE" || e.code === "RESOURCE_DOES_NOT_EXIST")) return undefined;
  throw e;
}

/** A change the trigger fires for: the run's details (declared params get them). */
export interface RegistryChange {
  /** `alias_moved` or `version_registered`. */
  event: "alias_moved" | "version_registered";
  model: string;
  version: string;
  alias?: string;
  /** The version the alias named before, or the newest version before (absent: none). */
  previous_version?: string;
  /** The same change seen by several `up` replicas has the same keys: only one starts a run. */
  delivery: DeliveryKeys;
}

/** Polls one `{model, alias?}`; call {@link RegistryWatch.poll} on a timer. */
export class RegistryWatch {
  private known: { version: string | undefined } | undefined;

  constructor(
    readonly model: string,
    readonly alias: string | undefined,
    private readonly registry: RegistryReader,
  ) {}

  /** The change since the last poll, if any. */
  async poll(): Promise<RegistryChange | undefined> {
    const version =
      this.alias === undefined
        ? await this.registry.latestVersion(this.model)
        : await this.registry.aliasVersion(this.model, this.alias);
    const before = this.known;
    this.known = { version };
    // The first poll learns; an alias removed, or a version deleted, starts nothing.
    if (before === undefined || version === undefined || version === before.version) return undefined;
    if (this.alias === undefined && before.version !== undefined && Number(version) < Number(before.version)) {
      return undefined;
    }
    const stamp = this.alias === undefined ? "" : `@${(await this.registry.lastUpdated(this.model)) ?? ""}`;
    const id = `registry:${this.model}${this.alias === undefined ? "" : `@${this.alias}`}=${version}${stamp}`;
    return {
      event: this.alias === undefined ? "version_registered" : "alias_moved",
      model: this.model,
      version,
      ...(this.alias !== undefined ? { alias: this.alias } : {}),
      ...(before.version !== undefined ? { previous_version: before.version } : {}),
      delivery: { id, digest: createHash("sha256").update(id).digest("hex") },
    };
  }
}

/** A registry trigger's run: why, its details, and the keys that make it start once across replicas. */
export interface RegistryFired {
  pipeline: string;
  trigger: RegistryTrigger;
  reason: string;
  data: Record<string, unknown>;
  delivery: DeliveryKeys;
}

/** The registry triggers of every pipeline; watches survive a reload when their trigger is unchanged. */
export class RegistryTriggers {
  private entries = new Map<string, { pipeline: string; trigger: RegistryTrigger; watch: RegistryWatch }>();

  constructor(private readonly registry: RegistryReader | undefined) {}

  /** Replace the pipelines' triggers (kept watches remember what they saw). */
  set(pipelines: readonly PipelineSpec[]): void {
    const next = new Map<string, { pipeline: string; trigger: RegistryTrigger; watch: RegistryWatch }>();
    const registry = this.registry;
    if (registry) {
      for (const p of pipelines) {
        for (const t of p.triggers) {
          if (t.type !== "registry") continue;
          const key = `${p.name}\0${t.model}\0${t.alias ?? ""}`;
          next.set(
            key,
            this.entries.get(key) ?? {
              pipeline: p.name,
              trigger: t,
              watch: new RegistryWatch(t.model, t.alias, registry),
            },
          );
        }
      }
    }
    this.entries = next;
  }

  /**
   * The runs to start for what changed since the last poll; a failed poll is a warning. Every `up`
   * replica sees a change: one already started (a delivery seen before) is left out.
   */
  async poll(
    deliveries: Pick<GitDeliveries, "seenBefore"> | undefined,
    warn: (m: string) => void,
  ): Promise<RegistryFired[]> {
    const out: RegistryFired[] = [];
    for (const e of this.entries.values()) {
      const what = `${e.trigger.model}${e.trigger.alias ? `@${e.trigger.alias}` : ""}`;
      const change = await e.watch.poll().catch((err: unknown) => {
        warn(`watching ${what} for pipeline '${e.pipeline}' failed: ${(err as Error).message}`);
        return undefined;
      });
      if (!change) continue;
      const { delivery, ...data } = change;
      if (await deliveries?.seenBefore(delivery)) continue;
      const reason =
        change.event === "alias_moved"
          ? `${what} moved${change.previous_version ? ` from ${change.previous_version}` : ""} to ${change.version}`
          : `new version ${change.model}/${change.version}`;
      out.push({ pipeline: e.pipeline, trigger: e.trigger, reason, data, delivery });
    }
    return out;
  }
}
