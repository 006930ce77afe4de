/** The experiment list, newest first, paged on the server (no run counts: they would cost a scan each). */
import type { ReactNode } from "react";
import { useState } from "react";
import type { Experiment } from "../../../src/core/api/mlflow-entities";
import type { Column } from "../components/data-table";
import { DataTable } from "../components/data-table";
import { ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { formatTime } from "../lib/format";
import { href } from "../lib/router";
import { quoteFilterValue } from "../lib/runs/run-fields";
import { useAsync } from "../lib/use-async";

const COLUMNS: Column<Experiment>[] = [
  {
    key: "name",
    header: "Name",
    cell: (e) => <a href={href(`/experiments/${e.experiment_id}`)}>{e.name}</a>,
    sort: (e) => e.name.toLowerCase(),
  },
  {
    key: "id",
    header: "ID",
    cell: (e) => <span className="mono">{e.experiment_id}</span>,
    sort: (e) => Number(e.experiment_id),
  },
  {
    key: "updated",
    header: "Last update",
    cell: (e) => formatTime(e.last_update_time),
    sort: (e) => e.last_update_time,
  },
  { key: "created", header: "Created", cell: (e) => formatTime(e.creation_time), sort: (e) => e.creation_time },
  {
    key: "runs",
    header: "Runs",
    cell: (e) => <a href={href(`/experiments/${e.experiment_id}`)}>View runs</a>,
  },
];

/** `#/experiments` */
export function ExperimentsPage(): ReactNode {
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  const [pages, setPages] = useState<string[]>([""]);
  const token = pages[pages.length - 1] ?? "";
  const list = useAsync(
    () =>
      mlflow.searchExperiments({
        max_results: 100,
        page_token: token || undefined,
        filter: name ? `name LIKE ${quoteFilterValue(`%${name}%`)}` : undefined,
        order_by: ["last_update_time DESC"],
      }),
    [token, name],
  );
  return (
    <div>
      <h1>Experiments</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setPages([""]);
          setName(text.trim());
        }}
      >
        <input
          aria-label="Search experiments"
          placeholder="Name contains…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data ? (
        <DataTable
          label="Experiments"
          rows={list.data.experiments ?? []}
          columns={COLUMNS}
          rowKey={(e) => e.experiment_id}
          empty={name ? "No experiment name matches." : "No experiments yet."}
        />
      ) : null}
      <div className="toolbar">
        <button type="button" disabled={pages.length < 2} onClick={() => setPages(pages.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={!list.data?.next_page_token || list.loading}
          onClick={() => setPages([...pages, list.data?.next_page_token ?? ""])}
        >
          Next page
        </button>
      </div>
    </div>
  );
}
