import type { Counter } from "prom-client";

/** Sets a label-less counter to a cumulative value read elsewhere (prom-client counters have no set). */
export function setCounter(counter: Counter, value: number): void {
  counter.reset();
  if (Number.isFinite(value) && value > 0) counter.inc(value);
}
