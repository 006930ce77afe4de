/**
 * Loads model versions for serving: one fetch per version however many deployments ask at once,
 * warmed up before use, and kept in a small cache so switching back and forth does not refetch.
 */
import type { Column } from "../../data/table.js";
import { Table } from "../../data/table.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { ModelRef, ResolvedModel, ResolverDeps } from "../model-resolver.js";
import { loadVersion, lookupVersion } from "../model-resolver.js";

export interface ModelLoaderOptions {
  /** Versions kept loaded beyond those in use (default 16). */
  capacity?: number;
  /** The models some runtime serves now: never evicted. */
  inUse?: () => Iterable<ResolvedModel>;
  /** How long an evicted model stays open for requests already holding it (default 30 s). */
  closeAfterMs?: number;
  /** Fetch and load one version (default {@link loadVersion}). */
  loadVersion?: (name: string, version: string, deps: ResolverDeps) => Promise<ResolvedModel>;
}

/** The loader the runtimes share. */
export class ModelLoader {
  private readonly cache = new Map<string, Promise<ResolvedModel>>();
  private readonly settled = new Map<string, ResolvedModel>();
  private readonly closing = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly deps: ResolverDeps,
    private readonly options: ModelLoaderOptions = {},
  ) {}

  /** The version a reference names now. */
  lookup(ref: ModelRef): Promise<string> {
    return lookupVersion(ref, this.deps.registry);
  }

  /** A loaded, warmed-up version; failures are not cached, so the next call retries. */
  load(name: string, version: string): Promise<ResolvedModel> {
    const key = `${name}\u0000${version}`;
    const hit = this.cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const pending = (this.options.loadVersion ?? loadVersion)(name, version, this.deps).then(async (m) => {
      try {
        await warmUp(m.predictor);
      } catch (e) {
        await m.close?.();
        throw e;
      }
      if (this.cache.get(key) === pending) this.settled.set(key, m);
      return m;
    });
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    this.evict();
    return pending;
  }

  /** Close every loaded model (the process is ending). */
  async close(): Promise<void> {
    for (const t of this.closing) clearTimeout(t);
    this.closing.clear();
    const models = [...this.settled.values()];
    this.cache.clear();
    this.settled.clear();
    await Promise.allSettled(models.map((m) => m.close?.()));
  }

  /**
   * Drop least recently used versions past the capacity, skipping those a runtime serves; a dropped
   * model is closed (its Python workers stopped) once requests that already hold it are done.
   */
  private evict(): void {
    const capacity = this.options.capacity ?? 16;
    if (this.cache.size <= capacity) return;
    const used = new Set(this.options.inUse?.() ?? []);
    for (const key of [...this.cache.keys()]) {
      if (this.cache.size <= capacity) break;
      const model = this.settled.get(key);
      if (!model || used.has(model)) continue;
      this.cache.delete(key);
      this.settled.delete(key);
      const timer = setTimeout(() => {
        this.closing.delete(timer);
        void model.close?.().catch(() => {});
      }, this.options.closeAfterMs ?? 30_000);
      timer.unref?.();
      this.closing.add(timer);
    }
  }
}

/**
 * Score an all-missing row: proves the model predicts; in-process models score it a few times to
 * compile their hot paths. Remote models are not sent one: loading already asked the endpoint, and
 * a server that takes no missing values would refuse it.
 */
export async function warmUp(model: LoadedModel, rounds = 50): Promise<void> {
  if (model.runtime === "remote") return;
  const table = new Table(model.signature.inputs.map((i) => missingColumn(i.name, i.type)));
  const sync = model.predictSync;
  if (sync) for (let r = 0; r < rounds; r++) sync(table);
  else await model.predict(table);
}

function missingColumn(name: string, type: LoadedModel["signature"]["inputs"][number]["type"]): Column {
  const nulls = Uint8Array.of(1);
  switch (type) {
    case "string":
      return { name, type, codes: Int32Array.of(-1), dictionary: [], nulls, length: 1 };
    case "bool":
      return { name, type, values: Uint8Array.of(0), nulls, length: 1 };
    default:
      return { name, type, values: Float64Array.of(Number.NaN), nulls, length: 1 };
  }
}
