/** Human-readable rendering of a profile for the CLI. */
import type { ColumnProfile, DatasetProfile } from "../profile.js";

/** Renders a profile as an aligned text table, one row per column. */
export function formatProfile(profile: DatasetProfile): string {
  const header = ["column", "type", "count", "nulls", "distinct", "summary"];
  const rows = profile.columns.map((c) => [
    c.name,
    c.type,
    String(c.count),
    `${c.nulls} (${pct(c.null_fraction)})`,
    `${c.distinct_approximate ? "~" : ""}${c.distinct}`,
    summary(c),
  ]);
  return [`${profile.num_rows} rows × ${profile.num_columns} columns`, "", ...alignRows([header, ...rows])].join("\n");
}

/** Pads cells so columns line up (the last column is left ragged). */
export function alignRows(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] as number)))
      .join("  ")
      .trimEnd(),
  );
}

function summary(c: ColumnProfile): string {
  if (c.numeric) {
    const s = c.numeric;
    if (s.min === null) return "";
    return `min ${num(s.min)}  p50 ${num(s.quantiles?.p50 ?? null)}  max ${num(s.max)}  mean ${num(s.mean)}  std ${num(s.std)}`;
  }
  if (c.categorical) {
    const top = c.categorical.top.slice(0, 3).map((t) => `${t.value} ${pct(t.frequency)}`);
    return `top: ${top.join(", ")}${c.categorical.top.length > 3 ? ", …" : ""}`;
  }
  if (c.bool) return `true ${c.bool.true_count}, false ${c.bool.false_count}`;
  if (c.timestamp) return `${c.timestamp.min ?? "-"} … ${c.timestamp.max ?? "-"}`;
  return "";
}

function num(v: number | null): string {
  if (v === null) return "-";
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}

function pct(f: number): string {
  return `${(f * 100).toFixed(1)}%`;
}
