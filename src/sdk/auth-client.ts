/**
 * A typed client for users, tokens and grants: MLflow's auth API (`/api/2.0/mlflow/users/...`,
 * `.../permissions/...`) and the platform's (`/api/modelworks/v1/tokens`, `.../permissions`).
 */

import { mlflowAuthRoutes, platformAuthRoutes } from "../core/api/auth-routes.js";
import { fillPath } from "../core/api/platform-routes.js";
import type { RequestOf, ResponseOf, RouteDef } from "../core/api/route.js";
import { readResponse, toQuery } from "./mlflow-client.js";

type AuthRoutes = typeof mlflowAuthRoutes & typeof platformAuthRoutes;

/** One method per auth route. */
export type AuthApi = {
  [N in keyof AuthRoutes]: (req: RequestOf<AuthRoutes[N]>) => Promise<ResponseOf<AuthRoutes[N]>>;
};

export interface AuthClientOptions {
  /** Server URL, e.g. `http://127.0.0.1:5000`. */
  baseUrl: string;
  /** A `fetch` that adds credentials (see the CLI's `fetchWithAuthorization`). */
  fetch?: typeof fetch;
}

/** Create a client for the auth routes of a Modelworks server. */
export function createAuthClient(options: AuthClientOptions): AuthApi {
  const root = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const api: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {};
  const add = (prefix: string, table: Record<string, RouteDef>) => {
    for (const [name, def] of Object.entries(table)) {
      const method = def.methods[0] as string;
      api[name] = async (req) => {
        const { path, used } = fillPath(def.path, req);
        const rest = Object.fromEntries(Object.entries(req).filter(([k]) => !used.has(k)));
        const url = `${root}${prefix}${path}`;
        if (method === "GET") return readResponse(await doFetch(`${url}?${toQuery(rest)}`, { method }));
        return readResponse(
          await doFetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(rest) }),
        );
      };
    }
  };
  add("/api/2.0", mlflowAuthRoutes);
  add("/api/modelworks/v1", platformAuthRoutes);
  return api as unknown as AuthApi;
}
