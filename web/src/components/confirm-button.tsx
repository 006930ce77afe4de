/** A button that asks for confirmation in a modal dialog before it acts (aliases, promote, rollback). */
import type { ReactNode } from "react";
import { useRef, useState } from "react";

export interface ConfirmButtonProps {
  label: string;
  /** The question in the dialog, e.g. "Move alias champion to version 3?". */
  question: ReactNode;
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
  disabled?: boolean;
}

/** Opens a native `<dialog>` (focus trapped, Escape closes); shows the action's error if it fails. */
export function ConfirmButton({ label, question, onConfirm, danger, disabled }: ConfirmButtonProps): ReactNode {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className={danger ? "danger" : undefined}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {label}
      </button>
      <dialog ref={dialog} aria-label={label}>
        <p>{question}</p>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => dialog.current?.close()} disabled={busy}>
            Cancel
          </button>
          <button type="button" className={danger ? "danger" : "primary"} onClick={confirm} disabled={busy}>
            {busy ? "Working…" : "Confirm"}
          </button>
        </div>
      </dialog>
    </>
  );
}
