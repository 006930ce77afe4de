/** Vite build of the web UI into dist/web, served by `modelworks server` and `modelworks up` at `/`. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
// `npm run web:dev` proxies the API to a running `modelworks up` (MODELWORKS_API, default port 5000).
const api = process.env.MODELWORKS_API ?? "http://127.0.0.1:5000";

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": api, "/ajax-api": api, "/get-artifact": api, "/model-versions": api },
  },
});
