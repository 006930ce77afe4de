const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "bool",
]);

/**
 * The metric names a PromQL expression selects. A lexical pass, enough for dashboard queries:
 * strings, label matchers, ranges, grouping label lists, numbers and Grafana `$variables` are
 * removed first; an identifier followed by `(` is a function.
 */
export function metricNamesIn(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\{?\w+\}?/g, " ")
    .replace(/(^|[^\w:])\d+(\.\d+)?(e[+-]?\d+)?/gi, "$1 ");
  const names: string[] = [];
  for (const m of s.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = s.slice((m.index ?? 0) + m[0].length).trimStart();
    if (rest.startsWith("(") || KEYWORDS.has(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

/** The metric of a Grafana `label_values(metric{…}, label)` variable query. */
export function metricNamesInVariable(query: string): string[] {
  const m = /^label_values\((.*),\s*\w+\)$/.exec(query.trim());
  return m ? metricNamesIn(m[1]) : metricNamesIn(query);
}
