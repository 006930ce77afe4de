/** A prediction log for tests that keeps the window aggregates as it is written, synchronously. */
import type { Clock } from "../../../../core/clock.js";
import { systemClock } from "../../../../core/clock.js";
import type { Database } from "../../../../core/db/database.js";
import { seededRandom } from "../../../../core/random.js";
import type {
  FeedbackRecord,
  PredictionLogStore,
  PredictionRecord,
} from "../../../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import type { AggregateSpec } from "../aggregate-spec.js";
import { AggregatingLogStore } from "../aggregating-log-store.js";
import { InProcessWindowSink } from "../in-process-sink.js";
import { SqlWindowStore } from "../sql/sql-window-store.js";
import { WindowAggregator } from "../window-aggregator.js";

/** Appends return once their rows (or feedback) are aggregated and stored. */
class DrainingLogStore extends AggregatingLogStore {
  constructor(
    log: PredictionLogStore,
    private readonly aggregator: WindowAggregator,
  ) {
    super(log, new InProcessWindowSink(aggregator));
  }

  override async appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    await super.appendPredictions(records);
    await this.aggregator.drain();
  }

  override async appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    await super.appendFeedback(records);
    await this.aggregator.drain();
  }
}

/** The log over `db`, aggregating every append before it returns. */
export function aggregatedLog(
  db: Database,
  spec: (name: string, version: string) => Promise<AggregateSpec>,
  clock: Clock = systemClock,
  random: () => number = seededRandom(1),
): PredictionLogStore {
  const log = new SqlPredictionLogStore(db);
  // Seeded, so a test comparing sampled numbers against a full scan draws the same samples every run.
  const aggregator = new WindowAggregator(
    { store: new SqlWindowStore(db), log, spec, clock, random },
    { timer: false },
  );
  return new DrainingLogStore(log, aggregator);
}
