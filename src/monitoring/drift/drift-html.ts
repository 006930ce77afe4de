/**
 * The drift report as one self-contained HTML file, laid out like Evidently's data drift table:
 * the summary sentence, one row per column (most drifted first, the prediction on top) with a
 * reference-vs-current histogram, the columns that could not be tested and the quality findings.
 * Inline CSS and SVG only; the one inline script (sorting, expanding) is pinned by hash in the
 * Content-Security-Policy, so nothing else can run and nothing is fetched.
 */
import { createHash } from "node:crypto";
import { displayOrder, formatNumber, summarySentence, verdictSentence } from "./drift-summary.js";
import { detailHistogram, escapeHtml, sparkHistogram } from "./drift-svg.js";
import type { ColumnDrift, DriftReport, QualityFinding } from "./drift-types.js";

/** The report as a complete HTML document. */
export function driftReportHtml(report: DriftReport, options: { title?: string } = {}): string {
  const title = options.title ?? "Data Drift Summary";
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${sha256Base64(SCRIPT)}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p id="summary" class="summary">${escapeHtml(summarySentence(report))}</p>
<p id="verdict" class="${report.dataset_drift ? "verdict drift" : "verdict"}">${escapeHtml(verdictSentence(report))}</p>
<p class="meta">${escapeHtml(metaLine(report))}</p>
</header>
<main>
${columnTable(report)}
${problemList(report)}
${qualitySection(report.quality)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function metaLine(r: DriftReport): string {
  const side = (what: string, name: string | undefined, rows: number) =>
    `${what}: ${name ? `${name}, ` : ""}${rows} rows`;
  return `${side("Reference", r.reference_name, r.reference_rows)} · ${side("Current", r.current_name, r.current_rows)} · dataset drift when at least ${r.drift_share} of the columns drift`;
}

function columnTable(r: DriftReport): string {
  const rows = displayOrder(r)
    .map((c, i) => columnRows(c, i, c === r.prediction))
    .join("\n");
  return `<table id="drift-table">
<thead><tr><th data-key="column">Column</th><th>Type</th><th>Reference vs current</th><th data-key="drift">Data drift</th><th>Stat test</th><th data-key="score">Drift score</th><th>Threshold</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="legend"><span class="swatch ref"></span>reference <span class="swatch cur"></span>current · click a row for its distribution</p>`;
}

function columnRows(c: ColumnDrift, index: number, isPrediction: boolean): string {
  const verdict = c.test === null ? "Not tested" : c.drifted ? "Detected" : "Not detected";
  const cls = c.test === null ? "untested" : c.drifted ? "drifted" : "stable";
  const hist = c.histogram ? sparkHistogram(c.histogram) : "";
  const name = isPrediction ? `${c.column} (model score)` : c.column;
  const attrs = `data-index="${index}" data-column="${escapeHtml(c.column)}" data-score="${c.score ?? ""}" data-drift="${c.test === null ? 0 : c.drifted ? 2 : 1}"${isPrediction ? ' data-pinned="1"' : ""}`;
  const main = `<tr class="col ${cls}" ${attrs} tabindex="0"><td class="name">${escapeHtml(name)}</td><td>${escapeHtml(c.type)}</td><td>${hist}</td><td class="verdict-cell">${verdict}</td><td>${escapeHtml(c.test ?? "-")}${c.p_value !== null ? " (p-value)" : c.test ? " (distance)" : ""}</td><td class="num">${formatNumber(c.score)}</td><td class="num">${formatNumber(c.threshold)}</td></tr>`;
  return `${main}\n<tr class="details" hidden><td colspan="7">${details(c)}</td></tr>`;
}

function details(c: ColumnDrift): string {
  const facts = [
    `statistic ${formatNumber(c.statistic)}`,
    c.p_value !== null ? `p-value ${formatNumber(c.p_value)}` : undefined,
    `reference rows ${c.reference_rows}`,
    `current rows ${c.current_rows}`,
  ].filter((x) => x !== undefined);
  const problem = c.problem ? `<p class="problem">${escapeHtml(c.problem)}</p>` : "";
  const note = c.note ? `<p class="note">${escapeHtml(c.note)}</p>` : "";
  const hist = c.histogram ? detailHistogram(c.histogram) : "";
  return `${problem}${note}<p>${escapeHtml(facts.join(" · "))}</p>${hist}`;
}

function problemList(r: DriftReport): string {
  const bad = [...(r.prediction ? [r.prediction] : []), ...r.columns].filter((c) => c.problem);
  if (bad.length === 0) return "";
  const items = bad
    .map(
      (c) =>
        `<li><span class="name">${escapeHtml(c.column)}</span>: ${escapeHtml(c.problem as string)}${c.test === null ? " (not checked)" : ""}</li>`,
    )
    .join("\n");
  return `<section id="problems"><h2>Problems</h2><ul>\n${items}\n</ul></section>`;
}

function qualitySection(quality: QualityFinding[] | undefined): string {
  if (quality === undefined) return "";
  if (quality.length === 0)
    return `<section id="quality"><h2>Data quality</h2><p>Every schema check passed on the current data.</p></section>`;
  const rows = quality
    .map(
      (q) =>
        `<tr><td class="name">${escapeHtml(q.column)}</td><td>${escapeHtml(q.check)}</td><td class="num">${q.count}</td><td class="num">${(q.share * 100).toFixed(2)}%</td><td>${escapeHtml(q.detail)}</td></tr>`,
    )
    .join("\n");
  return `<section id="quality"><h2>Data quality</h2><table id="quality-table"><thead><tr><th>Column</th><th>Check</th><th>Count</th><th>Share</th><th>Detail</th></tr></thead><tbody>\n${rows}\n</tbody></table></section>`;
}

function sha256Base64(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:1.6em;margin:0 0 8px}h2{font-size:1.2em;margin:28px 0 8px}
.summary{font-size:1.15em;font-weight:600;margin:4px 0}.verdict{margin:4px 0;color:#1a7f37}.verdict.drift{color:#cf222e}
.meta,.legend{color:#656d76;font-size:.9em}
table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:middle}
th{background:#f6f8fa;user-select:none}th[data-key]{cursor:pointer}th[data-key]:after{content:" \\2195";color:#8c959f}
td.num{text-align:right;font-variant-numeric:tabular-nums}.name{font-weight:600;word-break:break-all}
tr.col{cursor:pointer}tr.col:hover{background:#f6f8fa}
tr.drifted .verdict-cell{color:#cf222e;font-weight:600}tr.stable .verdict-cell{color:#1a7f37}tr.untested .verdict-cell{color:#9a6700}
tr.details td{background:#fbfcfd}.problem{color:#9a6700}.note{color:#656d76}
svg.hist rect.ref,.swatch.ref{fill:#8c959f;background:#8c959f}svg.hist rect.cur,.swatch.cur{fill:#d1242f;background:#d1242f}
svg.hist .axis{stroke:#d0d7de}svg.hist .bin-label{font-size:10px;fill:#656d76}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 8px}
`;

const SCRIPT = `(function(){
var body=document.querySelector("#drift-table tbody");
function pairs(){var out=[];var rows=body.querySelectorAll("tr.col");for(var i=0;i<rows.length;i++)out.push([rows[i],rows[i].nextElementSibling]);return out;}
body.addEventListener("click",function(e){var row=e.target.closest("tr.col");if(row)row.nextElementSibling.hidden=!row.nextElementSibling.hidden;});
body.addEventListener("keydown",function(e){var row=e.target.closest("tr.col");if(row&&(e.key==="Enter"||e.key===" ")){e.preventDefault();row.click();}});
var dir={};
document.querySelectorAll("#drift-table th[data-key]").forEach(function(th){th.addEventListener("click",function(){
var key=th.getAttribute("data-key");dir[key]=-(dir[key]||1);var d=dir[key];
var val=function(r){if(key==="column")return r.getAttribute("data-column");if(key==="drift")return Number(r.getAttribute("data-drift"));var s=r.getAttribute("data-score");return s===""?-Infinity:Number(s);};
var list=pairs();list.sort(function(a,b){var pa=a[0].hasAttribute("data-pinned"),pb=b[0].hasAttribute("data-pinned");if(pa!==pb)return pa?-1:1;var x=val(a[0]),y=val(b[0]);return x<y?-d:x>y?d:Number(a[0].getAttribute("data-index"))-Number(b[0].getAttribute("data-index"));});
list.forEach(function(p){body.appendChild(p[0]);body.appendChild(p[1]);});});});
})();`;
