#!/usr/bin/env node
// Copies the files modules open at run time that are not TypeScript (tsc emits only .js) from src/ to dist/,
// so they are found beside the compiled module as they are beside the source under tsx.
import { cpSync } from "node:fs";

const ASSETS = ["runtimes/python/worker.py"];
for (const path of ASSETS) cpSync(`src/${path}`, `dist/${path}`);
