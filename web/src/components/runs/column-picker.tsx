/** The "Columns" button of the runs table: checkboxes for the keys seen on the page, capped in number. */
import type { ReactNode } from "react";
import { useEffect, useMemo, useState } from "react";
import { MAX_COLUMNS } from "../../lib/runs/runs-query";

/** Rendering thousands of checkboxes would be as bad as thousands of columns; a filter narrows the rest. */
const MAX_LISTED = 200;

const PANEL = {
  position: "absolute",
  top: "100%",
  left: 0,
  zIndex: 10,
  width: 760,
  maxWidth: "90vw",
  background: "#fff",
  border: "1px solid #d1d5db",
  borderRadius: 6,
  boxShadow: "0 6px 20px rgba(15, 23, 42, 0.15)",
  margin: "4px 0 0",
  padding: "6px 12px 10px",
} as const;
const LIST = {
  listStyle: "none",
  padding: 0,
  margin: 0,
  columns: "3 220px",
  maxHeight: 260,
  overflow: "auto",
} as const;

export interface ColumnPickerProps {
  /** Column keys seen on the page (`metrics.x`, `params.y`, `tags.z`). */
  available: string[];
  selected: string[];
  onChange: (cols: string[]) => void;
}

/** A disclosure with a filter box and one checkbox per key; at most MAX_COLUMNS can be on. */
export function ColumnPicker({ available, selected, onChange }: ColumnPickerProps): ReactNode {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const chosen = useMemo(() => new Set(selected), [selected]);
  const matching = useMemo(() => {
    const t = text.trim().toLowerCase();
    // Selected keys first so they can always be turned off, then the rest in order.
    const all = [...selected, ...available.filter((k) => !chosen.has(k))];
    return t ? all.filter((k) => k.toLowerCase().includes(t)) : all;
  }, [available, selected, chosen, text]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  const full = selected.length >= MAX_COLUMNS;
  const toggle = (key: string, on: boolean) => onChange(on ? [...selected, key] : selected.filter((k) => k !== key));
  return (
    // A popover over the table, so opening it does not move the other controls.
    <div style={{ position: "relative" }}>
      <button type="button" aria-expanded={open} aria-controls="runs-column-list" onClick={() => setOpen(!open)}>
        Columns
      </button>
      {open ? (
        <fieldset id="runs-column-list" style={PANEL}>
          <legend>
            Columns: {selected.length} of at most {MAX_COLUMNS} shown ({available.length} keys on this page)
          </legend>
          <div className="toolbar">
            <input
              aria-label="Filter columns"
              placeholder="Filter columns"
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <button type="button" onClick={() => onChange([])} disabled={selected.length === 0}>
              Clear
            </button>
          </div>
          {full ? <p className="muted">At most {MAX_COLUMNS} columns; turn one off to pick another.</p> : null}
          <ul style={LIST}>
            {matching.slice(0, MAX_LISTED).map((k) => (
              <li key={k}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.has(k)}
                    disabled={full && !chosen.has(k)}
                    onChange={(e) => toggle(k, e.target.checked)}
                  />{" "}
                  {k}
                </label>
              </li>
            ))}
          </ul>
          {matching.length > MAX_LISTED ? (
            <p className="muted">
              {matching.length - MAX_LISTED} more keys not listed; type in the filter box to find them.
            </p>
          ) : null}
        </fieldset>
      ) : null}
    </div>
  );
}
