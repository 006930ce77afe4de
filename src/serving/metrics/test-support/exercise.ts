import type { ServingMetrics, VariantLabels } from "../serving-metrics.js";

const PRIMARY: VariantLabels = { deployment: "churn", model: "churn-gbdt", version: "3", variant: "primary" };
const CANDIDATE: VariantLabels = { deployment: "churn", model: "churn-gbdt", version: "4", variant: "candidate" };

/** Touches every metric so the exposition holds real series of each. */
export function exerciseAll(m: ServingMetrics): void {
  m.requestStarted("churn");
  m.observeRequest(PRIMARY, "mlflow", 200, 0.0013);
  m.observeRequest(CANDIDATE, "v2", 500, 0.02);
  m.observeRequest(CANDIDATE, "v2", 422, 0.0004);
  m.requestFinished("churn");
  m.observeScores(PRIMARY, Float64Array.from([0.1, 0.8]));
  m.modelLoaded(PRIMARY);
  m.modelLoadFailed(CANDIDATE);
  m.setServing("churn", [PRIMARY, CANDIDATE], 10);
  m.setLogStats(() => ({ queuedRows: 3, droppedRows: 1, writtenRows: 42 }));
}
