/** Checkboxes to choose which features the drift chart draws. */
import type { ReactNode } from "react";

/** Each feature is a labelled checkbox (keyboard: Tab and Space); `onChange` gets the new selection. */
export function FeaturePicker({
  features,
  selected,
  onChange,
}: {
  features: string[];
  selected: string[];
  onChange: (next: string[]) => void;
}): ReactNode {
  const on = new Set(selected);
  return (
    <fieldset style={{ border: "1px solid var(--line)", borderRadius: 4, padding: "6px 10px", margin: "8px 0" }}>
      <legend className="muted">Features</legend>
      <div className="toolbar" style={{ margin: 0, gap: "4px 14px" }}>
        {features.map((f) => (
          <label key={f} style={{ whiteSpace: "nowrap" }}>
            <input
              type="checkbox"
              checked={on.has(f)}
              onChange={(e) => onChange(e.target.checked ? [...selected, f] : selected.filter((x) => x !== f))}
            />{" "}
            {f}
          </label>
        ))}
        <button type="button" className="link" style={{ color: "var(--accent)" }} onClick={() => onChange(features)}>
          all
        </button>
        <button type="button" className="link" style={{ color: "var(--accent)" }} onClick={() => onChange([])}>
          none
        </button>
      </div>
    </fieldset>
  );
}
