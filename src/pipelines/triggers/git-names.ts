/**
 * The values a push hands to a pipeline, checked before anything starts: a branch name valid under
 * git's `check-ref-format` rules for `refs/heads/<branch>` and made only of characters no shell or
 * option parser treats specially; a full commit id; a GitHub `owner/name`.
 */

/** The longest branch name accepted, in characters. */
export const MAX_BRANCH_LENGTH = 255;

/** Why `branch` is refused, or undefined when it is acceptable. */
export function branchProblem(branch: string): string | undefined {
  if (branch === "" || branch.length > MAX_BRANCH_LENGTH) return `expected 1 to ${MAX_BRANCH_LENGTH} characters`;
  // git check-ref-format (for refs/heads/<branch>):
  const control = [...branch].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /[~^:?*[\\]/.test(branch)) return "control characters, spaces and ~ ^ : ? * [ \\ are not allowed";
  if (branch.includes("..")) return "'..' is not allowed";
  if (branch.includes("@{") || branch === "@") return "'@{' and '@' alone are not allowed";
  if (branch.startsWith("/") || branch.endsWith("/") || branch.includes("//")) return "empty path components";
  if (branch.endsWith(".")) return "it may not end with '.'";
  for (const part of branch.split("/")) {
    if (part.startsWith(".")) return "a path component may not start with '.'";
    if (part.endsWith(".lock")) return "a path component may not end with '.lock'";
  }
  // Stricter than git: the name reaches programs (environment, arguments), so only plain characters.
  if (!/^[A-Za-z0-9._/+=@-]+$/.test(branch)) return "only letters, digits and . _ / + = @ - are accepted";
  if (branch.startsWith("-")) return "it may not start with '-'";
  return undefined;
}

/** A full SHA-1 (40) or SHA-256 (64) commit id, in lowercase hex. */
export function commitProblem(commit: string): string | undefined {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(commit) ? undefined : "expected 40 or 64 lowercase hex digits";
}

/** `owner/name` as GitHub spells repositories. */
export function repositoryProblem(repository: string): string | undefined {
  const ok = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/.test(repository);
  return ok && !repository.split("/").some((p) => /^\.+$/.test(p))
    ? undefined
    : "expected owner/name of letters, digits, '_', '.' and '-'";
}
