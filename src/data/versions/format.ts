/** Human-readable rendering of dataset versions, listings and diffs for the CLI. */
import type { DatasetDiff, DatasetListing, DatasetVersionInfo } from "../../core/api/platform-routes.js";
import { alignRows } from "../profile/format.js";
import type { DatasetProfile } from "../profile.js";
import { formatProfile } from "../profile.js";

/** A timestamp as `YYYY-MM-DD HH:MM:SS` (UTC). */
function when(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

function num(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  return Number.isInteger(v) ? String(v) : Number(v.toPrecision(4)).toString();
}

function pct(f: number): string {
  return `${(f * 100).toFixed(1)}%`;
}

/** The dataset listing as an aligned table. */
export function formatListing(datasets: DatasetListing[]): string {
  if (datasets.length === 0) return "No datasets. Add one with: modelworks data add FILE --name NAME";
  const rows = datasets.map((d) => [
    d.name,
    String(d.latest.version),
    String(d.version_count),
    String(d.latest.rows),
    String(d.latest.columns),
    d.latest.digest.slice(0, 12),
    when(d.latest.created_time),
  ]);
  return alignRows([["NAME", "LATEST", "VERSIONS", "ROWS", "COLUMNS", "DIGEST", "CREATED"], ...rows]).join("\n");
}

/** One version: identity, shape, provenance, then schema and profile summaries. */
export function formatVersionInfo(v: DatasetVersionInfo): string {
  const lines = [
    `Dataset ${v.name}@${v.version} (${v.rows} rows × ${v.columns} columns, ${v.format}, ${v.size_bytes} bytes)`,
    `  digest:  sha256:${v.digest}`,
    `  created: ${when(v.created_time)}`,
    `  source:  ${v.source}`,
    `  uri:     ${v.uri}`,
  ];
  if (v.git_commit) lines.push(`  git:     ${v.git_commit}`);
  const schema = schemaLines(v.schema);
  if (schema.length) lines.push("", "Schema:", ...schema);
  if (isProfile(v.profile)) lines.push("", "Profile:", formatProfile(v.profile));
  return lines.join("\n");
}

function isProfile(p: unknown): p is DatasetProfile {
  return typeof p === "object" && p !== null && Array.isArray((p as DatasetProfile).columns);
}

/** One line per schema column, read defensively (the schema format belongs to the validation module). */
function schemaLines(schema: unknown): string[] {
  const doc = schema as { label?: unknown; columns?: unknown } | undefined;
  if (!Array.isArray(doc?.columns)) return [];
  return alignRows(
    doc.columns.map((c: Record<string, unknown>) => [
      `  ${String(c.name)}`,
      String(c.type ?? ""),
      constraintText(c, c.name === doc.label),
    ]),
  );
}

function constraintText(c: Record<string, unknown>, isLabel: boolean): string {
  const parts: string[] = isLabel ? ["label"] : [];
  if (c.required === false) parts.push("optional");
  const presence = c.presence as { min_fraction?: number } | undefined;
  if (typeof presence?.min_fraction === "number") parts.push(`present ≥ ${pct(presence.min_fraction)}`);
  const range = c.range as { min?: number; max?: number } | undefined;
  if (range) parts.push(`range ${num(range.min)} … ${num(range.max)}`);
  const domain = (c.domain as { values?: unknown } | undefined)?.values;
  if (Array.isArray(domain)) {
    parts.push(`domain {${domain.slice(0, 4).join(", ")}${domain.length > 4 ? `, … (${domain.length})` : ""}}`);
  }
  if (c.unique) parts.push("unique");
  return parts.join(", ");
}

/** A diff as sections: schema changes, then statistics shifts. */
export function formatDiff(d: DatasetDiff): string {
  const head = `${d.a.name}@${d.a.version} → ${d.b.name}@${d.b.version}`;
  if (d.identical) return `${head}: identical bytes (sha256:${d.a.digest})`;
  const s = d.schema;
  const lines = [head, "", "Schema:"];
  for (const c of s.added_columns) lines.push(`  + ${c.column} (${c.type})`);
  for (const c of s.removed_columns) lines.push(`  - ${c.column} (${c.type})`);
  for (const c of s.type_changes) lines.push(`  ~ ${c.column}: type ${c.a} → ${c.b}`);
  for (const c of s.range_changes) {
    lines.push(`  ~ ${c.column}: range ${num(c.a.min)} … ${num(c.a.max)} → ${num(c.b.min)} … ${num(c.b.max)}`);
  }
  for (const c of s.domain_changes) {
    const parts = [...c.added.map((v) => `+${v}`), ...c.removed.map((v) => `-${v}`)];
    lines.push(`  ~ ${c.column}: domain ${parts.join(" ")}`);
  }
  if (lines.length === 3) lines.push("  (no changes)");
  lines.push("", "Statistics:", `  rows: ${d.statistics.rows.a} → ${d.statistics.rows.b}`);
  for (const c of d.statistics.columns) lines.push(...columnShiftLines(c));
  return lines.join("\n");
}

function columnShiftLines(c: DatasetDiff["statistics"]["columns"][number]): string[] {
  const parts: string[] = [];
  if (c.null_rate.a !== c.null_rate.b) parts.push(`nulls ${pct(c.null_rate.a)} → ${pct(c.null_rate.b)}`);
  if (c.mean && c.mean.a !== c.mean.b) {
    const shift = c.mean.shift_in_std === null ? "" : ` (${num(c.mean.shift_in_std)} std)`;
    parts.push(`mean ${num(c.mean.a)} → ${num(c.mean.b)}${shift}`);
  }
  if (c.std && c.std.a !== c.std.b) parts.push(`std ${num(c.std.a)} → ${num(c.std.b)}`);
  for (const k of (c.categories ?? []).slice(0, 3)) parts.push(`'${k.value}' ${pct(k.a)} → ${pct(k.b)}`);
  return parts.length ? [`  ${c.column}: ${parts.join(", ")}`] : [];
}
