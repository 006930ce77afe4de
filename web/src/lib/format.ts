/** Display formatting shared by the pages. */

/** Milliseconds since epoch → `2026-11-27 15:20:03` (local time). */
export function formatTime(ms: number | string | undefined | null): string {
  if (ms === undefined || ms === null || ms === "") return "";
  const d = new Date(typeof ms === "string" ? Number(ms) || ms : ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A duration in ms → `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** A number for a table cell: 4 significant digits, integers as they are. */
export function formatNumber(v: number | string | undefined | null): string {
  if (v === undefined || v === null || v === "") return "";
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n)) return String(v);
  if (Number.isInteger(n)) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return n.toExponential(3);
  return String(Number(n.toPrecision(4)));
}

/** A share 0..1 → `12.5%`. */
export function formatPercent(v: number | undefined | null, digits = 1): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return "";
  return `${(v * 100).toFixed(digits)}%`;
}
