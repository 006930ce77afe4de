/**
 * Inline SVG histograms for the HTML report: reference and current bars side by side per bin,
 * each side as its share of its own total (so samples of different sizes compare).
 */
import type { ColumnHistogram } from "./drift-types.js";

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string);
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Bin labels: the categories, or each numeric bin's range. */
export function binLabels(h: ColumnHistogram): string[] {
  if (h.labels) return h.labels;
  const e = h.edges ?? [];
  return h.reference.map((_, k) => `${short(e[k])} – ${short(e[k + 1])}`);
}

function short(v: number | undefined): string {
  if (v === undefined) return "?";
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toFixed(3)));
}

function shares(counts: number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/** A small histogram for a table cell (with a tooltip per bin). */
export function sparkHistogram(h: ColumnHistogram, width = 140, height = 36): string {
  return bars(h, width, height, 0, 0);
}

/** A larger histogram with bin labels underneath, for a row's details. */
export function detailHistogram(h: ColumnHistogram, width = 640, height = 180): string {
  // Room below and to the right for the slanted bin labels.
  return bars(h, width, height, 60, 80);
}

function bars(h: ColumnHistogram, width: number, plotHeight: number, labelSpace: number, rightSpace: number): string {
  const labels = binLabels(h);
  const ref = shares(h.reference);
  const cur = shares(h.current);
  const top = Math.max(...ref, ...cur, 1e-12);
  const n = h.reference.length;
  const slot = width / Math.max(n, 1);
  const bar = Math.max((slot - 2) / 2, 0.5);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    const x = k * slot + 1;
    const tip = `${labels[k] ?? ""}: reference ${h.reference[k]} (${pct(ref[k])}), current ${h.current[k]} (${pct(cur[k])})`;
    parts.push(
      `<g><title>${escapeHtml(tip)}</title>${rect("ref", x, bar, ref[k] as number, top, plotHeight)}${rect("cur", x + bar, bar, cur[k] as number, top, plotHeight)}</g>`,
    );
    if (labelSpace > 0) {
      const lx = (x + bar).toFixed(1);
      const text = escapeHtml(clip(labels[k] ?? "", 18));
      parts.push(
        `<text x="${lx}" y="${plotHeight + 10}" transform="rotate(35 ${lx} ${plotHeight + 10})" class="bin-label">${text}</text>`,
      );
    }
  }
  const total = plotHeight + labelSpace;
  const full = width + rightSpace;
  return `<svg class="hist" role="img" aria-label="reference vs current histogram" width="${full}" height="${total}" viewBox="0 0 ${full} ${total}">${parts.join("")}<line x1="0" y1="${plotHeight}" x2="${width}" y2="${plotHeight}" class="axis"/></svg>`;
}

function rect(cls: string, x: number, w: number, share: number, top: number, height: number): string {
  const h = (share / top) * (height - 2);
  return `<rect class="${cls}" x="${x.toFixed(1)}" y="${(height - h).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}"/>`;
}

function pct(v: number | undefined): string {
  return `${((v ?? 0) * 100).toFixed(1)}%`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
