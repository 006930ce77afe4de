/** Reference and current distributions side by side per bin (shares, so different row counts compare). */
import type { ReactNode } from "react";
import type { FeatureDriftInfo } from "../../../../src/core/api/platform-routes";
import { formatNumber } from "../../lib/format";

type Histogram = NonNullable<FeatureDriftInfo["histogram"]>;

/** The label of bin `i`: a category, or the numeric range it covers. */
function binLabel(h: Histogram, i: number): string {
  if (h.labels) return h.labels[i] ?? "";
  const lo = h.edges?.[i];
  const hi = h.edges?.[i + 1];
  return lo === undefined || hi === undefined ? "" : `${formatNumber(lo)} – ${formatNumber(hi)}`;
}

function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** Grey bars for the reference, blue for the current window; each bin's tooltip gives both shares. */
export function HistogramPair({ column, h }: { column: string; h: Histogram }): ReactNode {
  const ref = shares(h.reference);
  const cur = shares(h.current);
  const bins = Math.max(ref.length, cur.length);
  const width = 200;
  const height = 36;
  const slot = width / Math.max(1, bins);
  const bar = Math.max(1, slot / 2 - 1);
  const max = Math.max(0.001, ...ref, ...cur);
  const y = (v: number) => height - (v === 0 ? 0 : Math.max(1, (v / max) * height));
  return (
    <svg width={width} height={height} role="img" aria-label={`${column}: reference vs current distribution`}>
      {Array.from({ length: bins }, (_, i) => {
        const r = ref[i] ?? 0;
        const c = cur[i] ?? 0;
        const tip = `${binLabel(h, i)}: reference ${(r * 100).toFixed(1)}%, current ${(c * 100).toFixed(1)}%`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional.
          <g key={i}>
            <title>{tip}</title>
            <rect x={i * slot} y={y(r)} width={bar} height={height - y(r)} fill="#9ca3af" />
            <rect x={i * slot + bar + 1} y={y(c)} width={bar} height={height - y(c)} fill="#2563eb" />
          </g>
        );
      })}
    </svg>
  );
}
