/**
 * Registering a version whose MLmodel has a `remote` flavor: the endpoint must be one this server
 * may call (the admin's outbound allow-list), so a registration cannot point the platform at an
 * internal address; the flavor is checked too (no credentials in it, a known protocol and URL form).
 */
import { invalidParam, isMwError } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import { storePathOf } from "../../registry/model-source.js";
import { parseMlModel } from "../../runtimes/mlmodel.js";
import { parseRemoteFlavor } from "../../runtimes/remote/remote-flavor.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";

/** Refuse (INVALID_PARAMETER_VALUE naming `source`) a package that names a remote endpoint `outbound` does not allow. */
export async function checkRemoteSource(
  artifacts: Pick<ArtifactStore, "get">,
  storageLocation: string,
  outbound: OutboundGuard | undefined,
): Promise<void> {
  const path = storePathOf(storageLocation);
  if (path === undefined) return;
  let text: string;
  try {
    text = (await readAllBytes((await artifacts.get(`${path}/MLmodel`)).stream)).toString("utf8");
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return;
    throw e;
  }
  let flavor: Record<string, unknown> | undefined;
  try {
    flavor = parseMlModel(text, "MLmodel").flavors.remote;
  } catch {
    // Not an MLmodel this platform can read: loading refuses it; nothing here names an endpoint.
    return;
  }
  if (!flavor) return;
  const where = `${path}/MLmodel`;
  let url: string;
  try {
    url = parseRemoteFlavor(flavor, where).url;
  } catch (e) {
    throw invalidParam(`Invalid value for 'source': ${(e as Error).message}`);
  }
  const problem = outbound ? outbound.check(url) : "this server has no outbound allow-list";
  if (problem) {
    throw invalidParam(
      `Invalid value for 'source': its MLmodel names a remote model at ${new URL(url).host}, which this server may not call: ${problem}.`,
    );
  }
}
