/** Set, move and delete a registered model's aliases, each after a confirmation. */
import type { ReactNode } from "react";
import { useState } from "react";
import type { ModelVersion, RegisteredModelAlias } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { ConfirmButton } from "../confirm-button";

/** The aliases table (each with a delete button) and a form to point an alias at a version. */
export function AliasEditor({
  model,
  aliases,
  versions,
  onChanged,
}: {
  model: string;
  aliases: RegisteredModelAlias[];
  versions: ModelVersion[];
  onChanged: () => void;
}): ReactNode {
  const sorted = [...aliases].sort((a, b) => a.alias.localeCompare(b.alias));
  const [alias, setAlias] = useState("");
  const [version, setVersion] = useState(versions[0]?.version ?? "");
  const name = alias.trim();
  const current = aliases.find((a) => a.alias === name);
  const question = current
    ? `Move alias ${name} from version ${current.version} to version ${version}?`
    : `Set alias ${name} on version ${version}?`;
  return (
    <>
      <table className="data" aria-label="Aliases">
        <thead>
          <tr>
            <th>Alias</th>
            <th>Version</th>
            <th>Action</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.alias}>
              <td>
                <code>@{a.alias}</code>
              </td>
              <td>v{a.version}</td>
              <td>
                <ConfirmButton
                  label={`Delete alias ${a.alias}`}
                  danger
                  question={`Delete alias ${a.alias} (now on version ${a.version})? Deployments that use ${model}@${a.alias} will stop resolving it.`}
                  onConfirm={async () => {
                    await mlflow.deleteRegisteredModelAlias({ name: model, alias: a.alias });
                    onChanged();
                  }}
                />
              </td>
            </tr>
          ))}
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                No aliases.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <form className="toolbar" onSubmit={(e) => e.preventDefault()}>
        <input
          aria-label="Alias"
          placeholder="alias, e.g. champion"
          list="known-aliases"
          value={alias}
          onChange={(e) => setAlias(e.target.value)}
        />
        <datalist id="known-aliases">
          {sorted.map((a) => (
            <option key={a.alias} value={a.alias} />
          ))}
        </datalist>
        <select aria-label="Version" value={version} onChange={(e) => setVersion(e.target.value)}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              version {v.version}
            </option>
          ))}
        </select>
        <ConfirmButton
          label="Set alias"
          question={question}
          disabled={!name || !version || current?.version === version}
          onConfirm={async () => {
            await mlflow.setRegisteredModelAlias({ name: model, alias: name, version });
            onChanged();
          }}
        />
        {current?.version === version ? (
          <span className="muted">
            @{name} is already on version {version}
          </span>
        ) : null}
      </form>
    </>
  );
}
