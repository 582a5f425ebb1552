/**
 * Builds the jail's runners: per exercise, one CommonJS file (runner.ts, the call harness, the
 * library parts that exercise may use — ./library.ts — the stand-ins for the other exercises and
 * tfjs) plus the WASM binaries, in a directory the grader owns. No probe, hidden input, judge or
 * reference is in any of them (a test greps the files). Rebuilt only when their inputs change
 * (keyed by a hash of the source tree they bundle).
 */
import { build } from "esbuild";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { exercises } from "../../exercises/index";
import { ALLOWED, STAND_IN_NAMES } from "./library";

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

/** The runner file of exercise `id`, inside a runner directory. */
export const runnerFile = (id: string) => `runner-${id}.cjs`;

/** The entry of exercise `id`'s runner: its allowed library, the stand-ins of the others, startRunner. */
function entry(id: string): string {
  const allowed = ALLOWED[id];
  const lines: string[] = [];
  const bySource = new Map<string, string[]>();
  for (const [name, from] of Object.entries(allowed)) bySource.set(from, [...(bySource.get(from) ?? []), name]);
  for (const [from, names] of bySource) {
    const spec = from.startsWith(".") ? path.join(here, from) : from;
    lines.push(
      names.includes("tf")
        ? `import * as tf from ${JSON.stringify(spec)};`
        : `import { ${names.join(", ")} } from ${JSON.stringify(spec)};`,
    );
  }
  // A runner never holds the stand-in of its own exercise: that would be an answer within reach.
  const own = STAND_IN_NAMES.includes(exercises[id].functionName);
  lines.push(own ? "const standIns = {};" : `import { standIns } from "./standins";`);
  lines.push(
    `import { startRunner } from "./runner";`,
    `void startRunner({ ${Object.keys(allowed).join(", ")} }, standIns);`,
  );
  return lines.join("\n");
}

/** The runners' directory (runner-<exercise>.cjs + *.wasm) under `cacheRoot`, built if needed. */
export async function buildRunner(cacheRoot: string): Promise<string> {
  const dir = path.join(cacheRoot, `runner-${sourceHash()}`);
  if (Object.keys(exercises).every((id) => fs.existsSync(path.join(dir, runnerFile(id))))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const id of Object.keys(exercises)) {
    await build({
      stdin: { contents: entry(id), resolveDir: here, sourcefile: `entry-${id}.ts`, loader: "ts" },
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      outfile: path.join(tmp, runnerFile(id)),
      logLevel: "silent",
      // Optional native backends, never used in the jail.
      external: ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"],
      alias: { "@tensorflow/tfjs": path.join(here, "tfjs.ts") },
    });
  }
  const wasmDir = path.join(projectDir, "node_modules/@tensorflow/tfjs-backend-wasm/dist");
  for (const f of fs.readdirSync(wasmDir))
    if (f.endsWith(".wasm")) fs.copyFileSync(path.join(wasmDir, f), path.join(tmp, f));
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another grader built it first
  }
  return dir;
}

/** The compile worker (../compileWorker.ts) as one file under `cacheRoot`, built if needed; esbuild stays a package it requires. */
export async function buildCompileWorker(cacheRoot: string): Promise<string> {
  const file = path.join(cacheRoot, `compile-worker-${sourceHash()}.cjs`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.tmp-${process.pid}`;
  await build({
    entryPoints: [path.join(here, "..", "compileWorker.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile: tmp,
    logLevel: "silent",
    external: ["esbuild"],
  });
  fs.renameSync(tmp, file);
  return file;
}
