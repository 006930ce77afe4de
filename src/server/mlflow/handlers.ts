/** Typed handler maps for the MLflow route table. */
import type { MlflowRouteName, MlflowRoutes } from "../../core/api/mlflow-routes.js";
import type { RequestOf, ResponseOf } from "../../core/api/route.js";
import { missing } from "../../core/schema.js";

/** A JSON response produced piece by piece (for results too large to build in memory). */
export class JsonStream {
  constructor(readonly chunks: AsyncIterable<string>) {}
}

/** One handler per route: the parsed request in, the response object (or a stream) out. */
export type Handlers<K extends MlflowRouteName> = {
  [N in K]: (req: RequestOf<MlflowRoutes[N]>) => Promise<ResponseOf<MlflowRoutes[N]> | JsonStream>;
};

/** MLflow accepts `run_uuid` where `run_id` is missing. */
export function runIdOf(req: { run_id?: string; run_uuid?: string }): string {
  const id = req.run_id || req.run_uuid;
  if (!id) throw missing("run_id");
  return id;
}

/** Key/value pairs with MLflow's default of an empty value. */
export function keyValues(list: readonly { key: string; value?: string }[] | undefined) {
  return list?.map((x) => ({ key: x.key, value: x.value ?? "" }));
}
