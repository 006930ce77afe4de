/** Datasets: every dataset with its latest version. */
import type { ReactNode } from "react";
import type { DatasetListing } from "../../../src/core/api/platform-routes";
import { DataTable } from "../components/data-table";
import { ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatTime } from "../lib/format";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** The dataset list (`#/datasets`). */
export function DatasetsPage(): ReactNode {
  const { data, error, loading } = useAsync(() => platform.listDatasets({}), []);
  return (
    <>
      <h1>Datasets</h1>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <DataTable<DatasetListing>
          label="Datasets"
          rows={data.datasets}
          rowKey={(d) => d.name}
          empty="No datasets yet: add one with `modelworks data add FILE --name NAME`."
          columns={[
            {
              key: "name",
              header: "Name",
              cell: (d) => <a href={href(`/datasets/${encodeURIComponent(d.name)}`)}>{d.name}</a>,
              sort: (d) => d.name,
            },
            {
              key: "versions",
              header: "Versions",
              cell: (d) => d.version_count,
              sort: (d) => d.version_count,
              align: "right",
            },
            { key: "latest", header: "Latest", cell: (d) => `v${d.latest.version}`, align: "right" },
            { key: "rows", header: "Rows", cell: (d) => d.latest.rows, sort: (d) => d.latest.rows, align: "right" },
            { key: "cols", header: "Columns", cell: (d) => d.latest.columns, align: "right" },
            {
              key: "digest",
              header: "Digest",
              cell: (d) => <code title={d.latest.digest}>{d.latest.digest.slice(0, 12)}</code>,
            },
            {
              key: "created",
              header: "Updated",
              cell: (d) => formatTime(d.latest.created_time),
              sort: (d) => d.latest.created_time,
            },
          ]}
        />
      ) : null}
    </>
  );
}
