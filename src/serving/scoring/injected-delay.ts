/**
 * Injected answer delays: a model package's `delay_ms` fault makes the server answer that much
 * later, on a timer, so other requests are not held up. Test models only (`models fault`).
 */
import type { ScoringContext } from "./after-response.js";

/** The longest `delay_ms` among the models that scored the request, 0 when none has one. */
export function injectedDelayMs(ctx: ScoringContext): number {
  const parts = ctx.parts;
  if (parts === undefined) return 0;
  let ms = 0;
  for (let i = 0; i < parts.length; i++) {
    const d = (parts[i] as (typeof parts)[number]).variant.model.predictor.faults?.delay_ms;
    if (d !== undefined && d > ms) ms = d;
  }
  return ms;
}
