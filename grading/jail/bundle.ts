/**
 * Builds the jail's runner: one CommonJS file (runner.ts with exercises, hidden probes, the library
 * parts and tfjs bundled in) plus the WASM binaries, in a directory the grader owns. The bundle is
 * rebuilt only when its inputs change (keyed by a hash of the source tree it bundles).
 */
import { build } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectDir = path.resolve(here, "../..");

function sourceHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) h.update(p).update(fs.readFileSync(p));
    }
  };
  for (const d of ["src", "exercises", "grading"]) walk(path.join(projectDir, d));
  h.update(fs.readFileSync(path.join(projectDir, "node_modules/@tensorflow/tfjs-backend-wasm/package.json")));
  return h.digest("hex").slice(0, 16);
}

/** The runner's directory (runner.cjs + *.wasm) under `cacheRoot`, built if needed. */
export async function buildRunner(cacheRoot: string): Promise<string> {
  const dir = path.join(cacheRoot, `runner-${sourceHash()}`);
  if (fs.existsSync(path.join(dir, "runner.cjs"))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  await build({
    entryPoints: [path.join(here, "runner.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: path.join(tmp, "runner.cjs"),
    logLevel: "silent",
    // Optional native backends, never used in the jail.
    external: ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"],
    alias: { "@tensorflow/tfjs": path.join(here, "tfjs.ts") },
  });
  const wasmDir = path.join(projectDir, "node_modules/@tensorflow/tfjs-backend-wasm/dist");
  for (const f of fs.readdirSync(wasmDir)) if (f.endsWith(".wasm")) fs.copyFileSync(path.join(wasmDir, f), path.join(tmp, f));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another grader built it first
  }
  return dir;
}
