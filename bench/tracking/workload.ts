/** What the benchmark sends: metric batches, run attributes, and the searches it times. */
import type { KeyValue } from "../../src/core/api/mlflow-entities.js";

export interface MetricBody {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** Training-loop style: keys `loss_0..loss_9`, 100 consecutive steps each → 1,000 metrics per call. */
export function ingestBatch(call: number, perCall: number, t0: number): MetricBody[] {
  const keys = 10;
  const steps = perCall / keys;
  const out: MetricBody[] = new Array(perCall);
  for (let s = 0; s < steps; s++) {
    const step = call * steps + s;
    const timestamp = t0 + step * 25;
    for (let k = 0; k < keys; k++) {
      out[s * keys + k] = {
        key: `loss_${k}`,
        value: (k + 1) / Math.sqrt(step + 1) + 0.001 * (step % 7),
        timestamp,
        step,
      };
    }
  }
  return out;
}

/** One long series: `count` consecutive steps of one key, starting at `firstStep`. */
export function historyBatch(key: string, firstStep: number, count: number, t0: number): MetricBody[] {
  const out: MetricBody[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const step = firstStep + i;
    out[i] = { key, value: Math.exp(-step / 250_000) + 1e-3 * Math.sin(step), timestamp: t0 + step * 10, step };
  }
  return out;
}

export const ALGOS = ["gbdt", "rf", "logreg", "mlp"] as const;
export const LEARNING_RATES = ["0.001", "0.003", "0.01", "0.03", "0.1"] as const;
export const TEAMS = ["churn", "fraud", "growth", "search"] as const;
export const USERS = ["ana", "bo", "chen", "dev", "eli"] as const;

/** The searchable content of run number `i` (deterministic, so every run of the benchmark matches). */
export interface RunShape {
  name: string;
  user: string;
  startTime: number;
  auc: number;
  loss: number;
  algo: string;
  lr: string;
  team: string;
}

/** A small seeded PRNG (mulberry32) so populations are reproducible. */
function unit(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function runShape(i: number, t0: number): RunShape {
  const pick = <T>(xs: readonly T[], salt: number): T => xs[Math.floor(unit(i * 7 + salt) * xs.length)] as T;
  const auc = Math.round(unit(i * 7 + 1) * 1e6) / 1e6;
  return {
    name: `run-${i}`,
    user: pick(USERS, 2),
    startTime: t0 + i * 1000,
    auc,
    loss: Math.round((1 - auc) * 1e6 + unit(i * 7 + 3) * 1e4) / 1e6,
    algo: pick(ALGOS, 4),
    lr: pick(LEARNING_RATES, 5),
    team: pick(TEAMS, 6),
  };
}

export function runParams(r: RunShape): KeyValue[] {
  return [
    { key: "algo", value: r.algo },
    { key: "lr", value: r.lr },
  ];
}

export function runTags(r: RunShape): KeyValue[] {
  return [{ key: "team", value: r.team }];
}

export interface SearchSpec {
  id: string;
  label: string;
  filter: string;
  orderBy: string[];
}

/** The search: one metric clause ordered by that metric. */
export const SEARCH_AUC: SearchSpec = {
  id: "auc",
  label: "metrics.auc > 0.5 ORDER BY metrics.auc DESC",
  filter: "metrics.auc > 0.5",
  orderBy: ["metrics.auc DESC"],
};

/** Three clauses (metric, param, tag) and two order keys. */
export const SEARCH_THREE: SearchSpec = {
  id: "three",
  label: "auc>0.5 & algo='gbdt' & team='churn' ORDER BY auc DESC, params.lr ASC",
  filter: "metrics.auc > 0.5 and params.algo = 'gbdt' and tags.team = 'churn'",
  orderBy: ["metrics.auc DESC", "params.lr ASC"],
};
