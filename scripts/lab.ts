/**
 * `npm run lab`: builds the library for notebooks, registers the tslab kernel for this user, and
 * starts JupyterLab on notebooks/ — or, where JupyterLab is missing, says how to get it and starts
 * the classic notebook instead.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { buildLibrary, findPython, registerKernel, ROOT } from "./jupyter";

function has(python: string, module: string): boolean {
  return spawnSync(python, ["-c", `import ${module}`]).status === 0;
}

function main(): number {
  const python = findPython(["jupyter_client"]);
  if (!python) {
    console.error("Jupyter is not installed. Install JupyterLab (pip install jupyterlab), or on Debian/Ubuntu: sudo apt-get install jupyter-notebook. Then run npm run lab again.");
    return 1;
  }
  buildLibrary();
  registerKernel(python, "user");
  console.log('Registered the "TypeScript (vae-lab)" kernel for this user.');
  let app: string[];
  if (has(python, "jupyterlab")) {
    app = ["-m", "jupyterlab"];
  } else if (has(python, "notebook")) {
    console.log("JupyterLab is not installed (pip install jupyterlab to get it); starting the classic notebook instead.");
    app = ["-m", "notebook"];
  } else {
    console.error("Neither JupyterLab nor the classic notebook is installed: pip install jupyterlab (or sudo apt-get install jupyter-notebook).");
    return 1;
  }
  const child = spawn(python, [...app, `--notebook-dir=${join(ROOT, "notebooks")}`], { stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 0));
  return -1; // keep running until Jupyter exits
}

const code = main();
if (code >= 0) process.exit(code);
