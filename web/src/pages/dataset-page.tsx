/** One dataset: its versions, and the selected version's profile, schema and validation. */
import type { ReactNode } from "react";
import type { DatasetVersionInfo } from "../../../src/core/api/platform-routes";
import { DataTable } from "../components/data-table";
import { ProfileTable } from "../components/ops/profile-table";
import { SchemaTable } from "../components/ops/schema-table";
import { ValidationPanel } from "../components/ops/validation-panel";
import { Badge, Empty, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatTime } from "../lib/format";
import { asProfile, asSchema } from "../lib/ops/profile-types";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** `#/datasets/:name`; `?version=V` or `?digest=D` selects a version (default the latest). */
export function DatasetPage({ name, query }: { name: string; query: URLSearchParams }): ReactNode {
  const list = useAsync(() => platform.getDataset({ name }), [name]);
  const versions = list.data?.versions ?? [];
  const wantVersion = query.get("version");
  const wantDigest = query.get("digest");
  const selected = pick(versions, wantVersion, wantDigest);
  const detail = useAsync(
    async () =>
      selected
        ? (await platform.getDatasetVersion({ name, version: String(selected.version) })).dataset_version
        : undefined,
    [name, selected?.version],
  );
  const link = (v: DatasetVersionInfo) => href(`/datasets/${encodeURIComponent(name)}`, { version: String(v.version) });
  const profile = asProfile(detail.data?.profile);
  const schema = asSchema(detail.data?.schema);
  return (
    <>
      <h1>
        <a href={href("/datasets")}>Datasets</a> / {name}
      </h1>
      <ErrorBox error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data ? (
        <DataTable<DatasetVersionInfo>
          label="Versions"
          rows={[...versions].sort((a, b) => b.version - a.version)}
          rowKey={(v) => String(v.version)}
          empty="This dataset has no versions."
          columns={[
            {
              key: "version",
              header: "Version",
              cell: (v) => (
                <a href={link(v)} aria-current={v.version === selected?.version ? "true" : undefined}>
                  {v.version === selected?.version ? <strong>v{v.version} ◂</strong> : `v${v.version}`}
                </a>
              ),
              sort: (v) => v.version,
            },
            { key: "digest", header: "Digest", cell: (v) => <code title={v.digest}>{v.digest.slice(0, 16)}</code> },
            { key: "rows", header: "Rows", cell: (v) => v.rows, sort: (v) => v.rows, align: "right" },
            { key: "columns", header: "Columns", cell: (v) => v.columns, align: "right" },
            { key: "created", header: "Created", cell: (v) => formatTime(v.created_time), sort: (v) => v.created_time },
            { key: "source", header: "Source", cell: (v) => <span className="mono">{v.source}</span> },
            {
              key: "commit",
              header: "Git commit",
              cell: (v) => (v.git_commit ? <code>{v.git_commit.slice(0, 10)}</code> : ""),
            },
          ]}
        />
      ) : null}
      {list.data && !selected ? (
        <ErrorBox
          error={`No version of ${name} matches ${wantDigest ? `digest ${wantDigest}` : `version ${wantVersion}`}.`}
        />
      ) : null}
      {selected ? (
        <>
          <p>
            Selected: <Badge tone="info">v{selected.version}</Badge> <code>{selected.uri}</code>
          </p>
          <ErrorBox error={detail.error} />
          <h2>Profile</h2>
          <Loading when={detail.loading && !detail.data} />
          {profile ? <ProfileTable profile={profile} /> : detail.data ? <Empty>No profile stored.</Empty> : null}
          <h2>Schema</h2>
          {schema ? <SchemaTable schema={schema} /> : detail.data ? <Empty>No schema stored.</Empty> : null}
          <h2>Validation</h2>
          <ValidationPanel key={selected.version} name={name} versions={versions} selected={selected} />
        </>
      ) : null}
    </>
  );
}

function pick(versions: DatasetVersionInfo[], version: string | null, digest: string | null) {
  if (digest) return versions.find((v) => v.digest === digest || v.digest.startsWith(digest));
  if (version) return versions.find((v) => String(v.version) === version);
  return versions.reduce<DatasetVersionInfo | undefined>((a, v) => (!a || v.version > a.version ? v : a), undefined);
}
