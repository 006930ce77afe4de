/** The preview of one artifact: text/JSON/YAML as text, images inline, HTML reports in a sandboxed frame. */
import type { ReactNode } from "react";
import { useMemo } from "react";
import type { FileInfo } from "../../../../src/core/api/mlflow-entities";
import { artifactUrl } from "../../lib/api";
import { artifactKind, inertHtml, readArtifactCapped, TEXT_CAP } from "../../lib/runs/artifact-kind";
import { useAsync } from "../../lib/use-async";
import { ErrorBox, Loading } from "../status";

/** The region `aria-label="Artifact preview"` for a file of a run. */
export function ArtifactPreview({ runId, file }: { runId: string; file: FileInfo | undefined }): ReactNode {
  return (
    <section aria-label="Artifact preview" style={{ minWidth: 0 }}>
      {file ? (
        <PreviewBody key={file.path} runId={runId} file={file} />
      ) : (
        <p className="muted">Choose a file to preview it.</p>
      )}
    </section>
  );
}

function PreviewBody({ runId, file }: { runId: string; file: FileInfo }): ReactNode {
  const kind = artifactKind(file.path);
  const url = artifactUrl(runId, file.path);
  const size = file.file_size !== undefined ? formatBytes(file.file_size) : "unknown size";
  const head = (
    <p className="toolbar" style={{ justifyContent: "space-between" }}>
      <code>{file.path}</code>
      <span className="muted">
        {size} ·{" "}
        <a href={url} download={file.path.split("/").pop()}>
          Download
        </a>
      </span>
    </p>
  );
  if (kind === "image") {
    return (
      <>
        {head}
        <img src={url} alt={file.path} style={{ maxWidth: "100%", border: "1px solid #e5e7eb" }} />
      </>
    );
  }
  if (kind === "other") {
    return (
      <>
        {head}
        <p className="muted">No preview for this file type.</p>
      </>
    );
  }
  return (
    <>
      {head}
      <TextPreview runId={runId} path={file.path} kind={kind} />
    </>
  );
}

function TextPreview({
  runId,
  path,
  kind,
}: {
  runId: string;
  path: string;
  kind: "json" | "text" | "html";
}): ReactNode {
  const loaded = useAsync(() => readArtifactCapped(runId, path), [runId, path]);
  const html = useMemo(() => (kind === "html" && loaded.data ? inertHtml(loaded.data.text) : ""), [kind, loaded.data]);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading when={loaded.loading} />;
  const { text, truncated } = loaded.data;
  const note = truncated ? (
    <p className="muted">Only the first {formatBytes(TEXT_CAP)} is shown; download the file for the rest.</p>
  ) : null;
  if (kind === "html") {
    // sandbox="" : no scripts, no same-origin access; the report renders as a static page.
    return (
      <>
        {note}
        <iframe
          title={`Preview of ${path}`}
          sandbox=""
          srcDoc={html}
          style={{ width: "100%", height: 600, border: "1px solid #e5e7eb", background: "#fff" }}
        />
      </>
    );
  }
  return (
    <>
      {note}
      <pre style={{ maxHeight: 560 }}>{kind === "json" && !truncated ? prettyJson(text) : text}</pre>
    </>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Bytes → `512 B`, `3.4 KB`, `1.2 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
