/** Validate data against a dataset version's schema and show the report, failing checks first. */
import type { ReactNode } from "react";
import { useState } from "react";
import type { DatasetVersionInfo, ValidationReportWire } from "../../../../src/core/api/platform-routes";
import { platform } from "../../lib/api";
import { Badge, ErrorBox } from "../status";

/**
 * The server keeps no validation reports, so this runs one on demand: a version's source file (when it
 * is still on the server) or an uploaded CSV, against the schema of the chosen version.
 */
export function ValidationPanel({
  name,
  versions,
  selected,
}: {
  name: string;
  versions: DatasetVersionInfo[];
  selected: DatasetVersionInfo;
}): ReactNode {
  // Checking a new version against the previous one's schema is what pipelines do before training.
  const previous = versions.filter((v) => v.version < selected.version).sort((a, b) => b.version - a.version)[0];
  const [schemaVersion, setSchemaVersion] = useState(String((previous ?? selected).version));
  const [file, setFile] = useState<File>();
  const [report, setReport] = useState<{ what: string; report: ValidationReportWire }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (what: string, call: () => Promise<ValidationReportWire>) => {
    setBusy(true);
    setError(undefined);
    try {
      setReport({ what, report: await call() });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Validation">
      <div className="toolbar">
        <label>
          Schema of version{" "}
          <select aria-label="Schema version" value={schemaVersion} onChange={(e) => setSchemaVersion(e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {v.version}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          disabled={busy}
          title={`the stored snapshot of version ${selected.version} (${selected.source})`}
          onClick={() =>
            run(`version ${selected.version} (${selected.source})`, () =>
              platform.validateDataset({ name, version: schemaVersion, stored_version: String(selected.version) }),
            )
          }
        >
          Validate version {selected.version}
        </button>
        <span className="muted">or</span>
        <input
          type="file"
          accept=".csv,text/csv"
          aria-label="CSV file to validate"
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <button
          type="button"
          disabled={busy || !file}
          onClick={async () => {
            if (!file) return;
            const bytes = new Uint8Array(await file.arrayBuffer());
            await run(file.name, () => platform.validateDataset({ name, version: schemaVersion }, bytes));
          }}
        >
          Validate file
        </button>
      </div>
      <ErrorBox error={error} />
      {busy ? <p className="muted">Validating…</p> : null}
      {report ? <ValidationReport what={report.what} schemaVersion={schemaVersion} report={report.report} /> : null}
    </section>
  );
}

/** A report: the verdict, then every check with failures first and highlighted. */
export function ValidationReport({
  what,
  schemaVersion,
  report,
}: {
  what: string;
  schemaVersion: string;
  report: ValidationReportWire;
}): ReactNode {
  // With failures, the passing checks (most of them) are hidden until asked for.
  const [showPassing, setShowPassing] = useState(report.results.every((r) => r.success));
  const rows = [...report.results]
    .sort((a, b) => Number(a.success) - Number(b.success))
    .filter((r) => showPassing || !r.success);
  return (
    <>
      <p>
        <Badge tone={report.success ? "ok" : "bad"}>{report.success ? "passed" : "failed"}</Badge> {what} against the
        schema of version {schemaVersion}: {report.statistics.evaluated} checks, {report.statistics.failed} failed.
      </p>
      <label className="toolbar">
        <input type="checkbox" checked={showPassing} onChange={(e) => setShowPassing(e.target.checked)} /> Show the{" "}
        {report.results.filter((r) => r.success).length} passing checks
      </label>
      <table className="data" aria-label="Validation results">
        <thead>
          <tr>
            <th>Result</th>
            <th>Column</th>
            <th>Check</th>
            <th>Severity</th>
            <th>Expected</th>
            <th>Observed</th>
            <th className="right">Unexpected</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              // biome-ignore lint/suspicious/noArrayIndexKey: a check can repeat for a column; order is stable.
              key={i}
              style={r.success ? undefined : { background: r.severity === "error" ? "#fef2f2" : "#fffbeb" }}
            >
              <td>
                <Badge tone={r.success ? "ok" : r.severity === "error" ? "bad" : "warn"}>
                  {r.success ? "pass" : "FAIL"}
                </Badge>
              </td>
              <td className="mono">{r.column ?? "(table)"}</td>
              <td>{r.check}</td>
              <td>{r.severity}</td>
              <td className="mono">{short(r.expected)}</td>
              <td className="mono">{short(r.observed)}</td>
              <td className="right">
                {r.unexpected_count ?? ""}
                {r.unexpected_percent !== undefined && r.unexpected_count
                  ? ` (${r.unexpected_percent.toFixed(1)}%)`
                  : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function short(v: unknown): string {
  if (v === undefined) return "";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
