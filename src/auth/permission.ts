/** MLflow's permission levels as an order, and the names MLflow's auth API uses on the wire. */
import type { Level } from "../core/api/access.js";
import { invalidParam } from "../core/errors.js";

/** A grant's level; `none` is MLflow's NO_PERMISSIONS. */
export type Permission = Level | "none";

const RANK: Record<Permission, number> = { none: 0, read: 1, edit: 2, manage: 3 };
const WIRE: Record<Permission, string> = { none: "NO_PERMISSIONS", read: "READ", edit: "EDIT", manage: "MANAGE" };

/** True when `held` allows what `needed` asks. */
export function allows(held: Permission, needed: Level): boolean {
  return RANK[held] >= RANK[needed];
}

/** MLflow's name of a level (`READ`, `EDIT`, `MANAGE`, `NO_PERMISSIONS`). */
export function wirePermission(p: Permission): string {
  return WIRE[p];
}

/** Parse MLflow's level names (any case); `field` names the request field in the error. */
export function parsePermission(text: unknown, field = "permission"): Permission {
  const t = typeof text === "string" ? text.trim().toUpperCase() : "";
  for (const [p, w] of Object.entries(WIRE)) if (w === t || p.toUpperCase() === t) return p as Permission;
  throw invalidParam(
    `Invalid value for '${field}': expected one of READ, EDIT, MANAGE, NO_PERMISSIONS, got '${String(text)}'.`,
  );
}
