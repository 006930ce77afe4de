/** The git commit of the folder a file lives in, recorded with each dataset version. */
import { execFile } from "node:child_process";

/** `git rev-parse HEAD` in `dir`, or undefined outside a repository or without git. */
export function gitCommitOf(dir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("git", ["rev-parse", "HEAD"], { cwd: dir, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const sha = String(stdout ?? "").trim();
      resolve(!err && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined);
    });
  });
}
