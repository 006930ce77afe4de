/** Typed handler maps for the platform route table: parsed request (and an optional raw body) in, response out. */
import type { Readable } from "node:stream";
import type { PlatformRouteName, PlatformRoutes } from "../../core/api/platform-routes.js";
import type { RequestOf, ResponseOf } from "../../core/api/route.js";

/** One route's handler; `body` is the raw request stream when the client uploaded bytes. */
export type PlatformHandler<N extends PlatformRouteName> = (
  req: RequestOf<PlatformRoutes[N]>,
  body?: Readable,
) => Promise<ResponseOf<PlatformRoutes[N]>>;

/** One handler per platform route. */
export type PlatformHandlers = { [N in PlatformRouteName]: PlatformHandler<N> };
