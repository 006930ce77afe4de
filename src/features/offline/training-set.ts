/** A training set from the registry: the definitions of a registry version, joined point-in-time. */
import { invalidParam } from "../../core/errors.js";
import type { FeatureRegistry } from "../definitions/feature-registry.js";
import type { HistoricalRequest, HistoricalResult, LoadedDataset } from "./historical-features.js";
import { datasetsOfSelection, getHistoricalFeatures } from "./historical-features.js";

/** A historical request, optionally against an older registry version (to rebuild a recorded training set). */
export interface TrainingSetRequest extends HistoricalRequest {
  registryVersion?: number | undefined;
}

/** The training set and the registry version its definitions came from. */
export interface TrainingSet extends HistoricalResult {
  registryVersion: number;
}

/** Reads dataset versions into tables. */
export type DatasetLoader = (name: string, version?: number) => Promise<LoadedDataset>;

/** Build a training set with the registry's definitions (the latest unless a version is given). */
export async function buildTrainingSet(
  registry: FeatureRegistry,
  loadDataset: DatasetLoader,
  req: TrainingSetRequest,
): Promise<TrainingSet> {
  const version = await registry.at(req.registryVersion);
  const result = await getHistoricalFeatures(req, { definitions: version.definitions, loadDataset });
  return { ...result, registryVersion: version.version };
}

/** The source datasets a request would read (for authorization); empty when it names nothing known. */
export async function datasetsOfRequest(
  registry: FeatureRegistry,
  req: Pick<TrainingSetRequest, "service" | "features" | "registryVersion">,
): Promise<string[]> {
  const version = await registry.at(req.registryVersion).catch(() => undefined);
  return version ? datasetsOfSelection(req, version.definitions) : [];
}

/** Parse dataset pins `NAME@VERSION,...` (as runs record them) into versions by dataset name. */
export function parseDatasetPins(text: string | undefined): Record<string, number> | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const pins: Record<string, number> = {};
  for (const part of text.split(",")) {
    const m = /^\s*([^@\s,]+)@(\d{1,9})\s*$/.exec(part);
    if (!m || Number(m[2]) < 1) throw invalidParam(`Invalid dataset pin '${part.trim()}': expected NAME@VERSION.`);
    pins[m[1] as string] = Number(m[2]);
  }
  return pins;
}

/** Format pins as `NAME@VERSION,...` (sorted by name). */
export function formatDatasetPins(sources: readonly { dataset: string; version: number }[]): string {
  const pins = new Map(sources.map((s) => [s.dataset, s.version]));
  return [...pins]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([d, v]) => `${d}@${v}`)
    .join(",");
}
