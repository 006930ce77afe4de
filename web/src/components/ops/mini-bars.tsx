/** A tiny SVG histogram for table cells. */
import type { ReactNode } from "react";

/** Vertical bars of `counts` (a histogram), scaled to the largest; the title names the range. */
export function MiniHistogram({
  counts,
  label,
  width = 120,
  height = 28,
}: {
  counts: number[];
  label: string;
  width?: number;
  height?: number;
}): ReactNode {
  const max = Math.max(1, ...counts);
  const w = width / Math.max(1, counts.length);
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      <title>{label}</title>
      {counts.map((c, i) => {
        const h = c === 0 ? 0 : Math.max(1, (c / max) * height);
        // biome-ignore lint/suspicious/noArrayIndexKey: bins are positional.
        return <rect key={i} x={i * w} y={height - h} width={Math.max(1, w - 1)} height={h} fill="#60a5fa" />;
      })}
    </svg>
  );
}
