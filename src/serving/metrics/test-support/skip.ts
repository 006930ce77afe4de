/** A node:test `skip` value: skip when the tool is missing, except in CI where it must be there. */
export function skipUnlessAvailable(available: boolean, what: string): string | false {
  return available || process.env.CI === "true" ? false : `${what} is not installed (apt-get install prometheus)`;
}
