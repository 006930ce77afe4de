/** The Prometheus gauge of online feature freshness, read at scrape time (never on a request path). */
import { Gauge, type Registry } from "prom-client";
import type { ViewFreshness } from "../../core/api/feature-routes.js";

/** Register `modelworks_feature_freshness_seconds{view}`: the age of each online view's newest materialized row. */
export function registerFeatureFreshness(registry: Registry, read: () => Promise<ViewFreshness[]>): void {
  new Gauge({
    name: "modelworks_feature_freshness_seconds",
    help: "Age in seconds of the newest event time materialized into the online store, per feature view.",
    labelNames: ["view"],
    registers: [registry],
    async collect() {
      this.reset();
      // A store that cannot answer leaves the gauge empty for this scrape rather than failing it.
      const views = await read().catch(() => [] as ViewFreshness[]);
      for (const v of views) if (v.age_ms !== null) this.set({ view: v.view }, v.age_ms / 1000);
    },
  });
}
