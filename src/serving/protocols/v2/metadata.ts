/** `GET /v2/models/{name}[/versions/{v}]`: the model metadata document. */
import { columnDatatype, hasClassNames, type V2Datatype, type V2Signature } from "./datatypes.js";

/** `$tensor_metadata`: -1 marks the variable (batch) dimension. */
export interface V2TensorMetadata {
  name: string;
  datatype: V2Datatype;
  shape: number[];
}

/** `$metadata_model_response`. */
export interface V2ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: V2TensorMetadata[];
  outputs: V2TensorMetadata[];
}

/**
 * The metadata for one model version: one `[-1]` input tensor per signature column (FP64 float,
 * INT64 int, BOOL bool, BYTES string/timestamp), and `probability` (FP64) + `label` (BYTES class
 * names, or INT64 0/1 without them) for binary models, `prediction` (FP64) for regression.
 * The result does not depend on the request; callers may cache it per version.
 */
export function v2ModelMetadata(
  name: string,
  version: string,
  signature: V2Signature,
  platform = "modelworks",
): V2ModelMetadata {
  const inputs = signature.inputs.map((c) => ({ name: c.name, datatype: columnDatatype(c.type), shape: [-1] }));
  const outputs: V2TensorMetadata[] =
    signature.task === "binary"
      ? [
          { name: "probability", datatype: "FP64", shape: [-1] },
          { name: "label", datatype: hasClassNames(signature) ? "BYTES" : "INT64", shape: [-1] },
        ]
      : signature.task === "multiclass"
        ? [
            { name: "probabilities", datatype: "FP64", shape: [-1, signature.classes?.length ?? -1] },
            { name: "label", datatype: "BYTES", shape: [-1] },
          ]
        : [{ name: "prediction", datatype: "FP64", shape: [-1] }];
  return { name, versions: [version], platform, inputs, outputs };
}
