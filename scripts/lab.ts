/**
 * `npm run lab`: builds the library for notebooks, registers the "vae-lab (TypeScript)" kernel for
 * this user, and starts JupyterLab on notebooks/ — or, where JupyterLab is missing, says how to get
 * it and starts the classic notebook instead. Extra arguments go to Jupyter (e.g. `-- --port 8890`).
 * As root (containers, cloud VMs) it adds `--allow-root`, without which Jupyter refuses to start.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { buildLibrary, findPython, jupyterArgs, KERNEL_DISPLAY_NAME, registerKernel, ROOT } from "./jupyter";

function main(extra: string[]): number {
  // JupyterLab may live in another python than the classic notebook (pip vs apt): look for it first.
  const lab = findPython(["jupyterlab"]);
  const python = lab ?? findPython(["notebook"]);
  if (!python) {
    console.error(
      "Jupyter is not installed. Install JupyterLab (pip install jupyterlab), or on Debian/Ubuntu: sudo apt-get install jupyter-notebook. Then run npm run lab again.",
    );
    return 1;
  }
  if (!lab)
    console.log(
      "JupyterLab is not installed (pip install jupyterlab to get it); starting the classic notebook instead.",
    );
  buildLibrary();
  const { specDir } = registerKernel(python, "user");
  console.log(`Registered the "${KERNEL_DISPLAY_NAME}" kernel in ${specDir}.`);
  const app = lab ? "jupyterlab" : "notebook";
  const child = spawn(python, ["-m", app, ...jupyterArgs(join(ROOT, "notebooks"), extra)], { stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 0));
  return -1; // keep running until Jupyter exits
}

try {
  const code = main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (err) {
  console.error(`npm run lab: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
