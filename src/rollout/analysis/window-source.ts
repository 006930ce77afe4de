/**
 * Where an analysis window's request counts, latencies and scores come from: this process's
 * serving metrics (one replica) or Prometheus (every replica). A window opens at the start of a
 * step and is read at each analysis.
 */
import type { VariantWindow } from "./window-checks.js";

/** Which variant the candidate is measured as: `candidate` (weighted traffic) or `shadow` (copies). */
export type CandidateVariant = "candidate" | "shadow";

/** What the primary and the candidate did since a window opened. */
export interface WindowReading {
  primary: VariantWindow;
  candidate: VariantWindow;
  /** Length of the window in milliseconds. */
  durationMs: number;
}

/** An open window; `read` may be called repeatedly, each time covering open → now. */
export interface AnalysisWindow {
  read(): Promise<WindowReading>;
}

/** Opens windows on a deployment's variants. */
export interface WindowSource {
  /** Start a window now for the deployment's primary and the given candidate variant. */
  open(deployment: string, candidate: CandidateVariant): Promise<AnalysisWindow>;
}
