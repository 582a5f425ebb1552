/**
 * Finding Jupyter and registering the tslab kernel for this project (DESIGN §2).
 *
 * The kernel is tslab from this project's node_modules, registered under the name "tslab"
 * (display name "TypeScript (vae-lab)"). Notebooks import the library as "vae-lab", which resolves
 * through node_modules/vae-lab (a link to this folder, made by `npm run build`) to dist/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = process.cwd();

/** A python3 that can import the given modules: /usr/bin/python3 first (PATH may hold a pyenv shim). */
export function findPython(modules: string[]): string | undefined {
  for (const py of ["/usr/bin/python3", "python3"]) {
    const r = spawnSync(py, ["-c", modules.map((m) => `import ${m}`).join("; ")], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** Registers the kernel in `prefix` (CI, tests) or for the user (`npm run lab`). Returns JUPYTER_PATH to use. */
export function registerKernel(python: string, where: { prefix: string } | "user"): string | undefined {
  const tslab = join(ROOT, "node_modules", ".bin", "tslab");
  if (!existsSync(tslab)) throw new Error("tslab is not installed: run npm install first.");
  const args = ["install", `--python=${python}`, `--binary=${tslab}`, where === "user" ? "--user" : `--prefix=${where.prefix}`];
  const r = spawnSync(tslab, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`registering the tslab kernel failed: ${(r.stderr || r.stdout).trim()}`);
  const jupyterPath = where === "user" ? undefined : join(where.prefix, "share", "jupyter");
  // Name the kernel after the project, so learners can tell it apart from other TypeScript kernels.
  const specDir = where === "user" ? kernelDirFromOutput(r.stdout + r.stderr) : join(jupyterPath!, "kernels", "tslab");
  const spec = specDir ? join(specDir, "kernel.json") : undefined;
  if (spec && existsSync(spec)) {
    const k = JSON.parse(readFileSync(spec, "utf8"));
    k.display_name = "TypeScript (vae-lab)";
    writeFileSync(spec, JSON.stringify(k));
  }
  return jupyterPath;
}

function kernelDirFromOutput(out: string): string | undefined {
  const m = /Installed kernelspec tslab in (\S+)/.exec(out);
  return m?.[1];
}

/** Makes sure dist/ and the node_modules/vae-lab link exist and are fresh (notebooks import them). */
export function buildLibrary(): void {
  if (distIsFresh()) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("building the library for notebooks failed (see above).");
}

/** dist/ exists, the link exists, and dist/index.js is newer than every file in src/. */
function distIsFresh(): boolean {
  const built = join(ROOT, "dist", "src", "index.js");
  if (!existsSync(built) || !existsSync(join(ROOT, "node_modules", "vae-lab", "dist"))) return false;
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
  return Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "exercises"))) < builtAt;
}
