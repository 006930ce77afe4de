/**
 * @module
 * The Open Inference Protocol (KServe V2) REST payloads as pure functions: model metadata, the
 * infer request → Table, and model scores → the infer response. No HTTP here.
 */
export {
  columnDatatype,
  datatypeKind,
  V2_DATATYPES,
  type V2Datatype,
  type V2Signature,
  v2BadRequest,
  v2ErrorBody,
  v2OutputNames,
} from "./datatypes.js";
export { parseV2InferRequest, type V2InferInput, type V2ParseOptions } from "./infer-request.js";
export {
  formatV2InferResponse,
  type V2InferResponse,
  type V2OutputTensor,
  type V2ResponseMeta,
} from "./infer-response.js";
export { type V2ModelMetadata, type V2TensorMetadata, v2ModelMetadata } from "./metadata.js";
