/**
 * Entry point, kept free of React: it starts fetching the current page's chunk and the app's (React,
 * the shell) at the same time, so the first load makes one round of requests after this file instead
 * of two, then mounts the app into #root.
 */
import { prefetchPageChunk } from "./page-chunks";
import "./styles.css";

const root = document.getElementById("root");
if (root) {
  const path = (window.location.hash.replace(/^#/, "") || "/").split("?", 1)[0] || "/";
  // A failed page fetch is left to the app, which retries and shows the error.
  const page = prefetchPageChunk(path).catch(() => undefined);
  void import("./app").then(async ({ mountApp }) => {
    await page;
    await mountApp(root);
  });
}
