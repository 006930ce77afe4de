import { Counter, Gauge, Registry } from "prom-client";
import { ServingActivity } from "../../core/threads/serving-activity.js";
import { BucketHistogram, type HistogramCells } from "./bucket-histogram.js";
import { LATENCY_BUCKETS, SCORE_BUCKETS } from "./buckets.js";
import { type Cell, cellCounter, cellGauge } from "./cell-metrics.js";
import { type LogStats, type LogStatsReader, registerLogStatsMetrics } from "./log-stats-metrics.js";
import { registerProcessMetrics } from "./process-metrics.js";
import { SeriesTree } from "./series-tree.js";

/** The labels that identify one served variant of a deployment. */
export interface VariantLabels {
  deployment: string;
  model: string;
  version: string;
  variant: string;
}

export type ServingProtocol = "mlflow" | "v2";

/**
 * Cumulative totals of one variant of a deployment, summed over its model versions and protocols:
 * what a canary analysis differences between two moments. Histogram counts are per bucket (the
 * last slot is +Inf), not cumulative.
 */
export interface VariantTotals {
  requests: number;
  /** Requests answered with a 5xx status. */
  errors: number;
  /** Requests answered with any status other than 2xx (4xx included). */
  failures: number;
  latency: { bounds: readonly number[]; counts: number[] };
  scores: { bounds: readonly number[]; counts: number[] };
}

/** One model version currently served by a deployment, as its variant. */
export interface ServedVariant {
  variant: string;
  model: string;
  version: string;
}

type VariantLabel = keyof VariantLabels;

/** Cached series for one protocol of one variant. */
interface ProtocolSeries {
  duration: HistogramCells;
  byStatus: Map<number, Cell>;
}

/** Cached series for one variant: labels are handled once, not per request. */
interface VariantSeries {
  labels: VariantLabels;
  protocols: Partial<Record<ServingProtocol, ProtocolSeries>>;
  scores?: HistogramCells;
  rows?: Cell;
}

const VARIANT_LABELS: VariantLabel[] = ["deployment", "model", "version", "variant"];

/**
 * Prometheus metrics of the inference server, on a registry of its own (never the global one).
 * Label values must come from deployment configuration, never from request input: every distinct
 * tuple is a time series and a cache entry here.
 */
export class ServingMetrics {
  readonly registry = new Registry();
  readonly contentType: string = this.registry.contentType;

  private readonly requests = cellCounter(this.registry, {
    name: "modelworks_requests_total",
    help: "Scoring requests by deployment, variant, protocol and HTTP status code.",
    labelNames: [...VARIANT_LABELS, "protocol", "status"],
  });
  private readonly duration = new BucketHistogram(this.registry, {
    name: "modelworks_request_duration_seconds",
    help: "Scoring request duration in seconds, from request received to response written.",
    labelNames: [...VARIANT_LABELS, "protocol"],
    buckets: LATENCY_BUCKETS,
  });
  private readonly scores = new BucketHistogram(this.registry, {
    name: "modelworks_prediction_score",
    help: "Predicted scores (probabilities) by variant.",
    labelNames: VARIANT_LABELS,
    buckets: SCORE_BUCKETS,
  });
  private readonly rowsScored = cellCounter(this.registry, {
    name: "modelworks_rows_scored_total",
    help: "Rows scored by variant.",
    labelNames: VARIANT_LABELS,
  });
  private readonly inFlight = cellGauge(this.registry, {
    name: "modelworks_requests_in_flight",
    help: "Scoring requests being processed.",
    labelNames: ["deployment"],
  });
  private readonly loads = new Counter<"deployment" | "model" | "version">({
    name: "modelworks_model_loads_total",
    help: "Model versions loaded into the server.",
    labelNames: ["deployment", "model", "version"],
    registers: [this.registry],
  });
  private readonly loadFailures = new Counter<"deployment" | "model">({
    name: "modelworks_model_load_failures_total",
    help: "Model loads that failed.",
    labelNames: ["deployment", "model"],
    registers: [this.registry],
  });
  private readonly candidateWeight = new Gauge<"deployment">({
    name: "modelworks_deployment_candidate_weight",
    help: "Percent of traffic routed to the candidate variant.",
    labelNames: ["deployment"],
    registers: [this.registry],
  });
  private readonly info = new Gauge<VariantLabel>({
    name: "modelworks_deployment_info",
    help: "1 for each variant a deployment currently serves.",
    labelNames: VARIANT_LABELS,
    registers: [this.registry],
  });

  private readonly variants = new SeriesTree<VariantSeries>((deployment, model, version, variant) => ({
    labels: { deployment, model, version, variant },
    protocols: {},
  }));
  private readonly inFlightCells = new Map<string, Cell>();
  private readonly served = new Map<string, VariantLabels[]>();
  /** Requests started, shared with background threads that give way while requests flow. */
  readonly activity = new ServingActivity();
  private readonly setLogReader: (read: LogStatsReader) => void;

  constructor() {
    this.setLogReader = registerLogStatsMetrics(this.registry);
    registerProcessMetrics(this.registry);
  }

  /** Counts a request as in flight for the deployment. */
  requestStarted(deployment: string): void {
    this.activity.mark();
    this.inFlightCell(deployment).value++;
  }

  /** Counts a request as no longer in flight. */
  requestFinished(deployment: string): void {
    this.inFlightCell(deployment).value--;
  }

  /** Records one finished request: its count by status and its duration. */
  observeRequest(labels: VariantLabels, protocol: ServingProtocol, status: number, seconds: number): void {
    const variant = this.variantSeries(labels);
    const series = variant.protocols[protocol] ?? this.addProtocol(variant, protocol);
    let counter = series.byStatus.get(status);
    if (counter === undefined) {
      counter = this.requests.cell({ ...variant.labels, protocol, status: String(status) });
      series.byStatus.set(status, counter);
    }
    counter.value++;
    // A non-finite duration (a broken clock) would poison _sum for good; drop it.
    if (Number.isFinite(seconds)) series.duration.observe(seconds);
  }

  /** Records the predicted scores of one request (NaN skipped) and counts its rows. */
  observeScores(labels: VariantLabels, scores: Float64Array): void {
    const series = this.variantSeries(labels);
    series.scores ??= this.scores.cells(series.labels);
    series.rows ??= this.rowsScored.cell(series.labels);
    series.rows.value += scores.length;
    const cells = series.scores;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (Number.isFinite(s)) cells.observe(s);
    }
  }

  /** Counts a successful model load. */
  modelLoaded(labels: { deployment: string; model: string; version: string }): void {
    this.loads.inc({ deployment: labels.deployment, model: labels.model, version: labels.version });
  }

  /** Counts a failed model load. */
  modelLoadFailed(labels: { deployment: string; model: string }): void {
    this.loadFailures.inc({ deployment: labels.deployment, model: labels.model });
  }

  /** Publishes what a deployment serves now, removing the series of what it no longer serves. */
  setServing(deployment: string, served: ServedVariant[], candidateWeight: number): void {
    for (const old of this.served.get(deployment) ?? []) this.info.remove(old);
    const now = served.map((s) => ({ deployment, variant: s.variant, model: s.model, version: s.version }));
    for (const labels of now) this.info.set(labels, 1);
    this.served.set(deployment, now);
    this.candidateWeight.set({ deployment }, candidateWeight);
  }

  /** Sets the reader of the prediction-log figures; it is called at each scrape. */
  setLogStats(read: () => LogStats): void {
    this.setLogReader(read);
  }

  /** The running totals of a deployment's variant (`primary`, `candidate` or `shadow`). */
  variantTotals(deployment: string, variant: string): VariantTotals {
    const totals: VariantTotals = {
      requests: 0,
      errors: 0,
      failures: 0,
      latency: { bounds: LATENCY_BUCKETS, counts: new Array(LATENCY_BUCKETS.length + 1).fill(0) },
      scores: { bounds: SCORE_BUCKETS, counts: new Array(SCORE_BUCKETS.length + 1).fill(0) },
    };
    for (const series of this.variants.values()) {
      if (series.labels.deployment !== deployment || series.labels.variant !== variant) continue;
      for (const p of Object.values(series.protocols)) {
        for (const [status, cell] of p.byStatus) {
          totals.requests += cell.value;
          if (status >= 500) totals.errors += cell.value;
          if (status < 200 || status >= 300) totals.failures += cell.value;
        }
        addCounts(totals.latency.counts, p.duration.counts);
      }
      if (series.scores) addCounts(totals.scores.counts, series.scores.counts);
    }
    return totals;
  }

  /** The exposition text for a scrape. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  private variantSeries(l: VariantLabels): VariantSeries {
    return this.variants.get(l.deployment, l.model, l.version, l.variant);
  }

  private addProtocol(variant: VariantSeries, protocol: ServingProtocol): ProtocolSeries {
    const series = { duration: this.duration.cells({ ...variant.labels, protocol }), byStatus: new Map() };
    variant.protocols[protocol] = series;
    return series;
  }

  private inFlightCell(deployment: string): Cell {
    let cell = this.inFlightCells.get(deployment);
    if (cell === undefined) {
      cell = this.inFlight.cell({ deployment });
      this.inFlightCells.set(deployment, cell);
    }
    return cell;
  }
}

function addCounts(into: number[], from: Float64Array): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] as number) + (from[i] as number);
}
