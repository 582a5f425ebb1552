/**
 * The system parts some tests (and some features) need beyond Node and npm, how to detect each, and
 * the exact command that installs it. One module, used by the test guards (src/testing/guard.ts),
 * the skip summary at the end of `npm test` (src/testing/skipReporter.ts) and `npm run doctor`.
 *
 * Detection is a real probe (import the Python modules, find the browser, start a bubblewrap jail,
 * load OpenBLAS through our addon), never a guess from the OS name. `VAE_LAB_HIDE_PARTS=a,b` (or
 * `all`) makes parts report missing, so tests can check the fresh-machine path on a full machine;
 * scripts/fresh-machine.sh hides them for real.
 *
 * @example
 * detectPart("chromium"); //=> { id: "chromium", present: true, detail: "/usr/bin/chromium" }
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { loadNativeAddon } from "../engine/native";

export const HIDE_PARTS_ENV_VAR = "VAE_LAB_HIDE_PARTS";
export const CHROMIUM_ENV_VAR = "VAE_LAB_CHROMIUM";
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

export const PART_IDS = [
  "jupyter",
  "jupyterhub",
  "python",
  "chromium",
  "bubblewrap",
  "openblas",
  "fashion-mnist",
] as const;
export type PartId = (typeof PART_IDS)[number];

export interface PartInfo {
  id: PartId;
  /** What it is, for people: "Jupyter (notebook, nbconvert, nbclient)". */
  name: string;
  /** What needs it. */
  usedBy: string;
  install: { debian: string; macos: string };
}

export interface PartStatus {
  id: PartId;
  present: boolean;
  /** Where it was found, or why it counts as missing. */
  detail: string;
}

const JUPYTER_MODULES = ["notebook", "nbconvert", "nbclient", "jupyter_client"];

export const PARTS: Record<PartId, PartInfo> = {
  jupyter: {
    id: "jupyter",
    name: "Jupyter (notebook, nbconvert, nbclient, jupyter_client)",
    usedBy: "npm run lab, npm run notebooks:execute, the notebook and kernel tests",
    install: {
      debian: "sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client",
      macos: "python3 -m pip install --user notebook nbconvert nbclient jupyter_client",
    },
  },
  jupyterhub: {
    id: "jupyterhub",
    name: "JupyterHub",
    usedBy: "the JupyterHub deployment tests",
    install: {
      debian: "sudo apt-get install jupyterhub",
      macos: "python3 -m pip install --user jupyterhub && npm install -g configurable-http-proxy",
    },
  },
  python: {
    id: "python",
    name: "Python 3",
    usedBy: "the Gradescope zip check and every Jupyter part",
    install: { debian: "sudo apt-get install python3", macos: "xcode-select --install" },
  },
  chromium: {
    id: "chromium",
    name: "Chromium",
    usedBy: "the real-browser tests (playground, navigator, notebook pages)",
    install: {
      debian: "sudo apt-get install chromium",
      macos: "npx playwright-core install chromium",
    },
  },
  bubblewrap: {
    id: "bubblewrap",
    name: "bubblewrap (the grader's jail)",
    usedBy: "npm run grade (without it the grader degrades and says so), the jail tests",
    install: {
      debian: "sudo apt-get install bubblewrap",
      macos: "(Linux only: grade on Linux, e.g. in Gradescope's containers)",
    },
  },
  openblas: {
    id: "openblas",
    name: "OpenBLAS + the native addon",
    usedBy: "the native fast path on WASM (3-4x faster training), its tests",
    install: {
      debian: "sudo apt-get install libopenblas0-pthread gcc make libc6-dev && npm run build:native",
      macos: "xcode-select --install; brew install openblas && npm run build:native",
    },
  },
  "fashion-mnist": {
    id: "fashion-mnist",
    name: "Fashion-MNIST IDX files (Debian's dataset-fashion-mnist)",
    usedBy: "the IDX reader's tests on real files",
    install: {
      debian: "sudo apt-get install dataset-fashion-mnist",
      macos: "(Debian/Ubuntu package only; not needed for the lessons)",
    },
  },
};

function hidden(id: PartId, env: Record<string, string | undefined>): boolean {
  const list = (env[HIDE_PARTS_ENV_VAR] ?? "").split(",").map((s) => s.trim().toLowerCase());
  return list.includes("all") || list.includes(id);
}

/** A python3 that can import the given modules: /usr/bin/python3 first (PATH may hold a pyenv shim). */
export function findPython(modules: string[]): string | undefined {
  for (const py of ["/usr/bin/python3", "python3", "python"]) {
    const r = spawnSync(py, ["-c", modules.map((m) => `import ${m}`).join("; ") || "pass"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return undefined;
}

/** The first executable `name` on PATH, like `command -v`. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Chromium for the browser tests: VAE_LAB_CHROMIUM, the system's, or the one `playwright-core install` downloaded. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | undefined {
  const candidates = [
    env[CHROMIUM_ENV_VAR],
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  ];
  try {
    const pw = createRequire(import.meta.url)("playwright-core") as { chromium: { executablePath(): string } };
    candidates.push(pw.chromium.executablePath());
  } catch {
    // playwright-core knows no downloaded browser
  }
  return candidates.find((p): p is string => !!p && existsSync(p));
}

function probe(id: PartId): Omit<PartStatus, "id"> {
  switch (id) {
    case "python": {
      const py = findPython([]);
      return py ? { present: true, detail: py } : { present: false, detail: "no python3 on PATH" };
    }
    case "jupyter": {
      const py = findPython(JUPYTER_MODULES);
      return py
        ? { present: true, detail: `${py} imports ${JUPYTER_MODULES.join(", ")}` }
        : { present: false, detail: `no python3 imports ${JUPYTER_MODULES.join(", ")}` };
    }
    case "jupyterhub": {
      const py = findPython(["jupyterhub"]);
      const bin = onPath("jupyterhub");
      return py && bin
        ? { present: true, detail: `${bin} (${py})` }
        : {
            present: false,
            detail: bin ? "jupyterhub is on PATH but python3 cannot import it" : "no jupyterhub on PATH",
          };
    }
    case "chromium": {
      const path = findChromium();
      return path ? { present: true, detail: path } : { present: false, detail: "no Chromium found" };
    }
    case "bubblewrap": {
      const bin = onPath("bwrap");
      if (!bin) return { present: false, detail: "no bwrap on PATH" };
      const r = spawnSync(bin, ["--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"], {
        encoding: "utf8",
        timeout: 10_000,
      });
      return r.status === 0
        ? { present: true, detail: bin }
        : {
            present: false,
            detail: `${bin} cannot start a jail here (${(r.stderr || String(r.error ?? "")).trim().split("\n")[0]})`,
          };
    }
    case "openblas": {
      const s = loadNativeAddon();
      return s.active
        ? { present: true, detail: `${s.library ?? "BLAS"} via ${s.addonPath}` }
        : { present: false, detail: s.reason ?? "inactive" };
    }
    case "fashion-mnist": {
      const file = join(FASHION_MNIST_DIR, "t10k-images-idx3-ubyte.gz");
      return existsSync(file) ? { present: true, detail: FASHION_MNIST_DIR } : { present: false, detail: `no ${file}` };
    }
  }
}

const cache = new Map<PartId, PartStatus>();

/** Whether a part is present here (probed once per process). */
export function detectPart(id: PartId, env: Record<string, string | undefined> = process.env): PartStatus {
  if (!(PART_IDS as readonly string[]).includes(id))
    throw new Error(`unknown system part "${id}": use one of ${PART_IDS.join(", ")}`);
  if (hidden(id, env)) return { id, present: false, detail: `hidden by ${HIDE_PARTS_ENV_VAR}` };
  let s = cache.get(id);
  if (!s) {
    s = { id, ...probe(id) };
    cache.set(id, s);
  }
  return s;
}

/** Under CI nothing may be skipped: a missing part fails the tests that need it. */
export function isCi(env: Record<string, string | undefined> = process.env): boolean {
  const v = (env.CI ?? "").trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}

/** The install command for this platform (macOS or Debian/Ubuntu). */
export function installCommand(id: PartId, platform: NodeJS.Platform = process.platform): string {
  return platform === "darwin" ? PARTS[id].install.macos : PARTS[id].install.debian;
}

/** One line per missing part: "Chromium (sudo apt-get install chromium)". */
export function describeMissing(missing: PartStatus[], platform: NodeJS.Platform = process.platform): string {
  return missing.map((m) => `${PARTS[m.id].name} (${installCommand(m.id, platform)})`).join(", ");
}
