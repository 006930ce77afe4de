/** Finding the arguments that shells and interpreters run as code. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { codeArguments } from "./shell-code.js";

test("shells: the argument after the options when -c is among them", () => {
  assert.deepEqual(codeArguments(["sh", "-c", "echo hi", "sh", "x"]), [2]);
  assert.deepEqual(codeArguments(["/bin/bash", "-euo", "pipefail", "-c", "x"]), [4]);
  assert.deepEqual(codeArguments(["bash", "-lc", "x"]), [2]);
  assert.deepEqual(codeArguments(["zsh", "--norc", "-c", "x"]), [3]);
  assert.deepEqual(codeArguments(["sh", "script.sh", "-c"]), []);
  assert.deepEqual(codeArguments(["bash", "-c", "--", "x"]), [3]);
  assert.deepEqual(codeArguments(["busybox", "sh", "-c", "x"]), [3]);
  assert.deepEqual(codeArguments(["cmd.exe", "/C", "echo", "x"]), [2, 3]);
  assert.deepEqual(codeArguments(["pwsh", "-NoProfile", "-Command", "x"]), [3]);
});

test("interpreters: the values of their code options", () => {
  assert.deepEqual(codeArguments(["python3.11", "-u", "-c", "x", "arg"]), [3]);
  assert.deepEqual(codeArguments(["python", "-cprint(1)"]), [1]);
  assert.deepEqual(codeArguments(["python", "train.py", "-c", "x"]), []);
  assert.deepEqual(codeArguments(["node", "-e", "x", "arg"]), [2]);
  assert.deepEqual(codeArguments(["node", "--eval=x"]), [1]);
  assert.deepEqual(codeArguments(["node", "--require", "ts-node/register", "-e", "x"]), [4]);
  assert.deepEqual(codeArguments(["python", "-W", "ignore", "-c", "x"]), [4]);
  assert.deepEqual(codeArguments(["node", "script.js", "-e", "x"]), []);
  assert.deepEqual(codeArguments(["perl", "-ne", "x", "-e", "y"]), [2, 4]);
  assert.deepEqual(codeArguments(["ruby", "-e", "x"]), [2]);
  assert.deepEqual(codeArguments(["Rscript", "-e", "x"]), [2]);
  assert.deepEqual(codeArguments(["deno", "eval", "x"]), [2]);
  assert.deepEqual(codeArguments(["awk", "-F", ",", "{print $1}", "f"]), [3]);
  assert.deepEqual(codeArguments(["awk", "-f", "prog.awk", "f"]), []);
  assert.deepEqual(codeArguments(["sed", "-e", "s/a/b/", "-e", "p", "f"]), [2, 4]);
  assert.deepEqual(codeArguments(["sed", "s/a/b/", "f"]), [1]);
});

test("wrappers and ssh", () => {
  assert.deepEqual(codeArguments(["env", "A=1", "sh", "-c", "x"]), [4]);
  assert.deepEqual(codeArguments(["env", "-S", "sh -c x"]), [1, 2]);
  assert.deepEqual(codeArguments(["timeout", "5m", "bash", "-c", "x"]), [4]);
  assert.deepEqual(codeArguments(["sudo", "-u", "bob", "python3", "-c", "x"]), [5]);
  assert.deepEqual(codeArguments(["nice", "make", "all"]), []);
  assert.deepEqual(codeArguments(["ssh", "-p", "22", "host", "ls", "x"]), [4, 5]);
  assert.deepEqual(codeArguments(["git", "checkout", "x"]), []);
  assert.deepEqual(codeArguments([]), []);
});
