/**
 * Where prediction rows wait while the store cannot take them (a database outage): in order, bounded,
 * replayed when the store is back. One interface; `file-spool.ts` keeps them in local files.
 */
import type { PredictionRecord } from "../prediction-log-store.js";

export interface PredictionSpool {
  /** Find what a previous process left to replay (idempotent; the other methods wait for it). */
  open(): Promise<void>;
  /** Rows waiting in the spool now. */
  rows(): number;
  /** Bytes the spool holds now. */
  bytes(): number;
  /** Append records after everything already spooled; false when they do not fit. */
  append(records: readonly PredictionRecord[]): Promise<boolean>;
  /** The oldest spooled records (a bounded chunk), or undefined when the spool is empty. */
  peek(): Promise<PredictionRecord[] | undefined>;
  /** Forget the chunk `peek()` returned, once it was written to the store. */
  shift(): Promise<void>;
}
