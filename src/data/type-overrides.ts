/** Column type overrides as users write them: `COL=float,Other=string` (CLI flag or query field). */
import { invalidParam } from "../core/errors.js";
import type { LogicalType } from "./table.js";
import { LOGICAL_TYPES } from "./table.js";

/** Parse `COL=TYPE` entries (comma-separated, or several strings); names the bad entry on error. */
export function parseTypeOverrides(entries: string | readonly string[] | undefined): Record<string, LogicalType> {
  const out: Record<string, LogicalType> = {};
  const list = typeof entries === "string" ? entries.split(",") : (entries ?? []).flatMap((e) => e.split(","));
  for (const raw of list) {
    const entry = raw.trim();
    if (entry === "") continue;
    const at = entry.lastIndexOf("=");
    const column = entry.slice(0, at).trim();
    const type = entry.slice(at + 1).trim();
    if (at <= 0 || column === "") throw invalidParam(`Invalid type override '${entry}': expected COLUMN=TYPE.`);
    if (!(LOGICAL_TYPES as readonly string[]).includes(type)) {
      throw invalidParam(`Invalid type override '${entry}': type must be one of ${LOGICAL_TYPES.join(", ")}.`);
    }
    out[column] = type as LogicalType;
  }
  return out;
}

/** The overrides back in `COL=TYPE,...` form (for query strings). */
export function formatTypeOverrides(types: Record<string, LogicalType>): string {
  return Object.entries(types)
    .map(([c, t]) => `${c}=${t}`)
    .join(",");
}
