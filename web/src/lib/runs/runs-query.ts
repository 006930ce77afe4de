/** The runs page's state as it lives in the URL (`filter`, `order`, `cols`, `page`), so links and reloads keep it. */

export const DEFAULT_ORDER = "attributes.start_time DESC";
/** More columns than this would make the table unreadable and slow; the picker says so. */
export const MAX_COLUMNS = 30;
export const PAGE_SIZE = 50;

export interface RunsQuery {
  filter: string;
  /** A column key (`attributes.start_time`, `metrics.x`, `params.y`) and a direction. */
  orderKey: string;
  desc: boolean;
  /** Chosen columns; undefined = pick defaults from the page. */
  cols: string[] | undefined;
  /** The page token of the page shown ("" = first page). */
  page: string;
}

/** Read the runs page state from the hash query. */
export function readRunsQuery(q: URLSearchParams): RunsQuery {
  const order = (q.get("order") ?? DEFAULT_ORDER).trim();
  const m = /^(.*?)(?:\s+(ASC|DESC))?$/i.exec(order);
  const cols = q.get("cols");
  return {
    filter: q.get("filter") ?? "",
    orderKey: m?.[1] || "attributes.start_time",
    desc: (m?.[2] ?? "ASC").toUpperCase() === "DESC",
    cols: cols === null ? undefined : cols === "" || cols === "-" ? [] : cols.split(",").map(decodeURIComponent),
    page: q.get("page") ?? "",
  };
}

/** The hash query for a runs page state (defaults left out to keep links short). */
export function writeRunsQuery(s: RunsQuery): Record<string, string | undefined> {
  const order = `${s.orderKey} ${s.desc ? "DESC" : "ASC"}`;
  return {
    filter: s.filter || undefined,
    order: order === DEFAULT_ORDER ? undefined : order,
    // Keys are URI-encoded one by one so a comma inside a key cannot split it.
    cols: s.cols === undefined ? undefined : s.cols.map(encodeURIComponent).join(",") || "-",
    page: s.page || undefined,
  };
}

/** `metrics.val loss` → MLflow's order_by clause with the key quoted when it needs it. */
export function orderByClause(key: string, desc: boolean): string {
  const dot = key.indexOf(".");
  const kind = key.slice(0, dot);
  const name = key.slice(dot + 1);
  const quoted = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `\`${name.replace(/`/g, "")}\``;
  return `${kind}.${quoted} ${desc ? "DESC" : "ASC"}`;
}
