/** An online store opened on first use: a process that never reads or writes features opens no file or connection. */
import type { OnlineStore } from "./online-store.js";

/** Wrap `open` so the store opens when first called; closing an unopened store does nothing. */
export function lazyOnlineStore(kind: OnlineStore["kind"], open: () => OnlineStore): OnlineStore {
  let store: OnlineStore | undefined;
  const get = () => {
    store ??= open();
    return store;
  };
  return {
    kind,
    write: (view, records, now) => get().write(view, records, now),
    read: (view, keys) => get().read(view, keys),
    viewState: (view) => get().viewState(view),
    listViews: () => get().listViews(),
    advanceWatermark: (view, time) => get().advanceWatermark(view, time),
    dropView: (view) => get().dropView(view),
    close: async () => {
      await store?.close();
      store = undefined;
    },
  };
}
