/** A typed route: method, path, request schema and (phantom) response type. Server and SDK share it. */
import type { InferShape, ObjectSchema } from "../schema.js";
import type { Access } from "./access.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";

export interface RouteDef<S extends ObjectSchema = ObjectSchema, Res = unknown> {
  /** The first method is what the SDK uses; the server answers all of them. */
  readonly methods: readonly HttpMethod[];
  readonly path: string;
  readonly request: S;
  /** What the caller needs; the server refuses to mount a route without it. */
  readonly access: Access;
  readonly _res?: Res;
}

/** Declare a route. `Res` is given as a type argument: `route<Res>()(...)`. */
export function route<Res>() {
  return <S extends ObjectSchema>(
    methods: HttpMethod | HttpMethod[],
    path: string,
    request: S,
    access: Access,
  ): RouteDef<S, Res> => ({
    methods: Array.isArray(methods) ? methods : [methods],
    path,
    request,
    access,
  });
}

/** The parsed request type of a route. */
export type RequestOf<R> = R extends RouteDef<ObjectSchema<infer S>, unknown> ? InferShape<S> : never;
/** The response type of a route. */
export type ResponseOf<R> = R extends RouteDef<ObjectSchema, infer Res> ? Res : never;
