/** Human output of the `features` command: apply results, object listings, one object. */
import { stringify as stringifyYaml } from "yaml";
import type { FeatureApplyInfo, FeatureObjectInfo } from "../../core/api/feature-routes.js";
import { table, when } from "../cli-context.js";

const MARK = { added: "+", changed: "~", removed: "-" } as const;

/** What an apply did (or would do). */
export function formatApply(r: FeatureApplyInfo): string {
  const lines: string[] = [];
  if (r.changes.length === 0) lines.push(`No changes (registry version ${r.registry_version}).`);
  else if (r.dry_run)
    lines.push(`Dry run: would change ${r.changes.length} object(s) of registry version ${r.registry_version}:`);
  else lines.push(`Applied registry version ${r.registry_version} (was ${r.previous_version}):`);
  for (const c of r.changes)
    lines.push(`  ${MARK[c.change]} ${c.kind} ${c.name}${c.fields ? ` (${c.fields.join(", ")})` : ""}`);
  if (r.changes.length > 0) lines.push(`  ${r.unchanged} unchanged`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}

/** The current objects as a table. */
export function formatObjects(r: { registry_version: number; objects: FeatureObjectInfo[] }): string {
  if (r.objects.length === 0) return "No feature definitions. Apply some with: modelworks features apply FILE...";
  const rows = r.objects.map((o) => [o.kind, o.name, String(o.version), when(o.created_time), summary(o)]);
  return `${table(["KIND", "NAME", "VERSION", "CHANGED", "DEFINITION"], rows)}\n(registry version ${r.registry_version})`;
}

/** One object: its definition as YAML, then its versions. */
export function formatObject(r: { object: FeatureObjectInfo; history: Omit<FeatureObjectInfo, "spec">[] }): string {
  const o = r.object;
  const { ttl_ms, ...spec } = o.spec as { ttl_ms?: number } & Record<string, unknown>;
  const shown = ttl_ms === undefined ? spec : { ...spec, ttl: formatTtl(ttl_ms) };
  const versions = r.history.map(
    (h) => `  version ${h.version}: registry version ${h.registry_version}, ${when(h.created_time)}`,
  );
  return [
    `${o.kind} ${o.name} (version ${o.version})`,
    "",
    stringifyYaml(shown).trimEnd(),
    "",
    "Versions:",
    ...versions,
  ].join("\n");
}

/** A ttl as a duration: `30d`, `12h`, `90s`; 0 is "none". */
export function formatTtl(ms: number): string {
  if (ms === 0) return "none";
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const)
    if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function summary(o: FeatureObjectInfo): string {
  const s = o.spec as Record<string, unknown>;
  switch (o.kind) {
    case "entity":
      return `keys ${(s.join_keys as { name: string; type: string }[]).map((k) => `${k.name}:${k.type}`).join(", ")}`;
    case "source":
      return `dataset ${s.dataset}${s.version === undefined ? "" : `@${s.version}`}, time ${s.timestamp_field}`;
    case "feature_view":
      return `${(s.features as unknown[]).length} features of ${(s.entities as string[]).join(", ") || "no entity"} from ${s.source}, ttl ${formatTtl(s.ttl_ms as number)}${s.online ? ", online" : ""}`;
    case "feature_service":
      return (s.features as string[]).join(", ");
  }
}
