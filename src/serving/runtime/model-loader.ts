/**
 * Loads model versions for serving: one fetch per version however many deployments ask at once,
 * warmed up before use, and kept in a small cache so switching back and forth does not refetch.
 */
import type { Column } from "../../data/table.js";
import { Table } from "../../data/table.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { ModelRef, ResolvedModel, ResolverDeps } from "../model-resolver.js";
import { loadVersion, lookupVersion } from "../model-resolver.js";

/** The loader the runtimes share. */
export class ModelLoader {
  private readonly cache = new Map<string, Promise<ResolvedModel>>();

  constructor(
    private readonly deps: ResolverDeps,
    private readonly capacity = 16,
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
    const pending = loadVersion(name, version, this.deps).then(async (m) => {
      try {
        await warmUp(m.predictor);
      } catch (e) {
        await m.close?.();
        throw e;
      }
      return m;
    });
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    // An evicted model is not closed here: a runtime may still serve it (its workers end with the process).
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    return pending;
  }
}

/**
 * Score an all-missing row: proves the model predicts; in-process models score it a few times to
 * compile their hot paths.
 */
export async function warmUp(model: LoadedModel, rounds = 50): Promise<void> {
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
