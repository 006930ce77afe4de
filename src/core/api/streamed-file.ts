/**
 * A route answer that is a file, not JSON (e.g. a log export): the server streams `chunks` with
 * the content type and a download name; the SDK hands back the same shape with the body's chunks.
 */
export interface StreamedFile {
  content_type: string;
  file_name: string;
  chunks: AsyncIterable<Uint8Array>;
  /** More response headers the answer carries (e.g. a training set's provenance). */
  headers?: Record<string, string>;
}

/** True for a {@link StreamedFile} answer. */
export function isStreamedFile(v: unknown): v is StreamedFile {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as StreamedFile).content_type === "string" &&
    typeof (v as StreamedFile).chunks?.[Symbol.asyncIterator] === "function"
  );
}
