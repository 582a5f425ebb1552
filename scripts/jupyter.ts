/**
 * Finding Jupyter and registering the tslab kernel for this project (docs/design.md §2).
 *
 * The kernel is tslab from this project's node_modules, registered under its own name "vae-lab"
 * (shown as "vae-lab (TypeScript)"), so it neither replaces nor is replaced by another project's
 * tslab. It starts through scripts/kernel.mjs (tslab with a leaner per-cell compile step,
 * scripts/leanBuilder.mjs), with the absolute path of the Node that registered it (process.execPath), never
 * through a `#!/usr/bin/env node`, so it runs the Node that installed the project whatever the
 * launcher's PATH (VS Code, desktop launchers) and whichever folder Jupyter starts in. Notebooks import the library as "vae-lab", which resolves through node_modules/vae-lab (a
 * link to this folder, made by `npm run build`) to dist/ — whichever folder Jupyter was started from.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installPlotlyAsset } from "../src/notebook/plotOutput";
import { findPython } from "../src/testing/systemParts";

export { findPython };

export const ROOT = process.cwd();

/** The kernel's name in notebooks' metadata (`kernelspec.name`), and what Jupyter shows for it. */
export const KERNEL_NAME = "vae-lab";
export const KERNEL_DISPLAY_NAME = "vae-lab (TypeScript)";

/**
 * This project's tslab as a kernelspec: the kernel.json `tslab install` writes, under our own name.
 * (`tslab install` can only call it "tslab", rewrites the user's "jslab" too, and needs IPython.)
 */
export function kernelSpec(
  root: string = ROOT,
  node: string = process.execPath,
): { argv: string[]; display_name: string; language: string } {
  return {
    argv: [node, kernelEntry(root), "kernel", "--config-path", "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
  };
}

/** The kernel's entry script (scripts/kernel.mjs): tslab's main, compiling cells with the lean builder. */
export function kernelEntry(root: string = ROOT): string {
  return join(root, "scripts", "kernel.mjs");
}

/** tslab's own entry script (what node_modules/.bin/tslab points to), run by `node` directly. */
export function tslabEntry(root: string = ROOT): string {
  return join(root, "node_modules", "tslab", "bin", "tslab");
}

const INSTALL_PY = `import sys
from jupyter_client.kernelspec import KernelSpecManager
src, name, where = sys.argv[1:4]
user = where == "--user"
print(KernelSpecManager().install_kernel_spec(src, name, user=user, prefix=None if user else where))`;

/**
 * Registers the "vae-lab" kernel for this user (`npm run lab`) or under `prefix` (CI, tests) with
 * the given python's jupyter_client. Returns the kernelspec's folder and, for a prefix, the
 * JUPYTER_PATH under which Jupyter finds it.
 */
export function registerKernel(
  python: string,
  where: { prefix: string } | "user",
): { specDir: string; jupyterPath?: string } {
  const spec = kernelSpec();
  if (!existsSync(spec.argv[1])) throw new Error("tslab is not installed: run npm install first.");
  const tmp = mkdtempSync(join(tmpdir(), "vae-lab-kernel-"));
  try {
    writeFileSync(join(tmp, "kernel.json"), JSON.stringify(spec, null, 1) + "\n");
    const r = spawnSync(python, ["-c", INSTALL_PY, tmp, KERNEL_NAME, where === "user" ? "--user" : where.prefix], {
      encoding: "utf8",
    });
    if (r.status !== 0)
      throw new Error(`registering the ${KERNEL_NAME} kernel failed: ${(r.stderr || r.stdout).trim()}`);
    const specDir = r.stdout.trim().split("\n").pop()!;
    // plotly.js next to the kernelspec, among the server's nbextensions (<data dir>/nbextensions/):
    // every figure output loads it from there, so no notebook has to carry it (docs/notebooks.md).
    installPlotlyAsset(join(specDir, "..", ".."));
    return where === "user" ? { specDir } : { specDir, jupyterPath: join(where.prefix, "share", "jupyter") };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Jupyter's arguments for `npm run lab`: the notebook folder, `--allow-root` as root, then the user's. */
export function jupyterArgs(
  notebookDir: string,
  extra: string[],
  uid: number | undefined = process.getuid?.(),
): string[] {
  const root = uid === 0 && !extra.includes("--allow-root") ? ["--allow-root"] : [];
  return [`--notebook-dir=${notebookDir}`, ...root, ...extra];
}

/** Makes sure dist/ and the node_modules/vae-lab link exist and are fresh (notebooks import them). */
export function buildLibrary(): void {
  if (distIsFresh()) return;
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("building the library for notebooks failed (see above).");
}

/** dist/ exists, the link exists, and dist/index.js (the package's entry) is newer than every file in src/ and exercises/ and the entry. */
function distIsFresh(): boolean {
  const built = join(ROOT, "dist", "index.js");
  if (!existsSync(built) || !existsSync(join(ROOT, "node_modules", "vae-lab", "dist"))) return false;
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs),
      0,
    );
  return (
    Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "exercises")), statSync(join(ROOT, "index.ts")).mtimeMs) <
    builtAt
  );
}
