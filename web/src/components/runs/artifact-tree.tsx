/** The artifacts of a run as a tree whose folders are listed only when opened. */
import type { ReactNode } from "react";
import { useState } from "react";
import type { FileInfo } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { useAsync } from "../../lib/use-async";
import { ErrorBox, Loading } from "../status";

/** A folder with more entries than this is cut (a listing of 100,000 files would stall the page). */
const MAX_PAGES = 10;

async function listFolder(runId: string, path: string): Promise<{ files: FileInfo[]; more: boolean }> {
  const files: FileInfo[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await mlflow.listArtifacts({ run_id: runId, path: path || undefined, page_token: token });
    files.push(...(res.files ?? []));
    token = res.next_page_token;
    if (!token) return { files: sortFiles(files), more: false };
  }
  return { files: sortFiles(files), more: true };
}

function sortFiles(files: FileInfo[]): FileInfo[] {
  // Folders first, then by name, as file browsers do.
  return [...files].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path));
}

export interface ArtifactTreeProps {
  runId: string;
  selected: string | undefined;
  onSelect: (file: FileInfo) => void;
}

/** The root listing; each folder lists its own entries when expanded. */
export function ArtifactTree({ runId, selected, onSelect }: ArtifactTreeProps): ReactNode {
  return (
    <nav aria-label="Artifacts" style={{ fontSize: 13, overflowX: "auto" }}>
      <Folder runId={runId} path="" selected={selected} onSelect={onSelect} />
    </nav>
  );
}

function Folder({ runId, path, selected, onSelect }: ArtifactTreeProps & { path: string }): ReactNode {
  const listing = useAsync(() => listFolder(runId, path), [runId, path]);
  if (listing.error) return <ErrorBox error={listing.error} />;
  if (!listing.data) return <Loading when={listing.loading} />;
  if (listing.data.files.length === 0) return <p className="muted">{path ? "Empty folder." : "No artifacts."}</p>;
  return (
    <ul style={{ listStyle: "none", margin: 0, paddingLeft: path ? 16 : 0 }}>
      {listing.data.files.map((f) => (
        <Entry key={f.path} runId={runId} file={f} selected={selected} onSelect={onSelect} />
      ))}
      {listing.data.more ? <li className="muted">More files not listed.</li> : null}
    </ul>
  );
}

function Entry({ runId, file, selected, onSelect }: ArtifactTreeProps & { file: FileInfo }): ReactNode {
  const [open, setOpen] = useState(false);
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  if (file.is_dir) {
    return (
      <li>
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"} {name}/
        </button>
        {open ? <Folder runId={runId} path={file.path} selected={selected} onSelect={onSelect} /> : null}
      </li>
    );
  }
  const current = selected === file.path;
  return (
    <li>
      <button
        type="button"
        className="link"
        aria-current={current ? "true" : undefined}
        onClick={() => onSelect(file)}
        style={{ paddingLeft: 14, color: current ? "#2563eb" : undefined, fontWeight: current ? 600 : undefined }}
      >
        {name}
      </button>
    </li>
  );
}
