/**
 * Compute backend selection (docs/design.md §4): tfjs-node-gpu → tfjs-node → WASM → pure-JS CPU.
 *
 * The native backends are opt-in packages that `npm install` never downloads: `@tensorflow/tfjs-node-gpu`
 * needs CUDA and downloads GPU libtensorflow at install time, `@tensorflow/tfjs-node` the CPU one.
 * `npm run enable:gpu` / `npm run enable:node` installs one where it can. A missing or broken backend
 * is skipped with a one-line reason that says how to enable it; selection never throws unless the
 * user forced a backend that cannot start (then the error says why and how to fix it).
 *
 * `VAE_LAB_BACKEND=gpu|node|wasm|cpu` forces one backend.
 *
 * Once a backend's package is loaded, `installEngine()` (./install.ts) registers the fast path's
 * kernels and switches the teaching core's one-line branches on; `VAE_LAB_ENGINE=0` leaves it off.
 *
 * On WASM, the native fast path (src/engine/native.ts: OpenBLAS through our addon, on the WASM
 * heap) runs the matrix products when the addon was built and OpenBLAS is installed; the report says
 * "wasm + native BLAS" then, or why not. `VAE_LAB_NATIVE=0` turns it off.
 *
 * @example
 * const choice = await initBackend();
 * console.log(choice.message); //=> "vae-lab: using wasm + native BLAS (OpenBLAS SkylakeX, 2 threads; gpu: not installed, npm run enable:gpu; node: not installed, npm run enable:node)"
 */
import * as tf from "@tensorflow/tfjs";
import { describeNative, loadNativeAddon, nativeSummary, type NativeStatus } from "./native";
import { ENGINE_ENV_VAR, engineRequested, installEngine } from "./install";

export const BACKEND_ENV_VAR = "VAE_LAB_BACKEND";

/** Our names for the backends, in preference order. */
export const BACKEND_ORDER = ["gpu", "node", "wasm", "cpu"] as const;
export type BackendChoiceName = (typeof BACKEND_ORDER)[number];

export interface BackendChoice {
  /** Which of our backends runs: gpu, node, wasm or cpu. */
  name: BackendChoiceName;
  /** TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** Why each backend before the chosen one was skipped. */
  skipped: { name: BackendChoiceName; reason: string }[];
  /** Whether the choice was forced by VAE_LAB_BACKEND. */
  forced: boolean;
  /** The one plain line to show the user. */
  message: string;
  /** On WASM: whether the native BLAS path is active, and if not why (src/engine/native.ts). */
  native?: NativeStatus;
}

/** How a backend is brought up. `load` throws with a short reason when it cannot. */
export interface BackendCandidate {
  name: BackendChoiceName;
  tfName: string;
  load: () => Promise<void>;
  /** After a successful load: what runs underneath, for the report (e.g. the native BLAS path). */
  details?: () => { label?: string; note?: string; native?: NativeStatus };
}

const PACKAGE_OF: Record<BackendChoiceName, string> = {
  gpu: "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs-backend-cpu",
};

/** The one command that installs an opt-in backend (package.json's scripts). */
const ENABLE_COMMAND: Partial<Record<BackendChoiceName, string>> = {
  gpu: "npm run enable:gpu",
  node: "npm run enable:node",
};

/** Loads an opt-in backend; "not installed" becomes "not installed, npm run enable:…". */
async function loadOptIn(name: "gpu" | "node"): Promise<void> {
  try {
    await loadNative(PACKAGE_OF[name]);
  } catch (err) {
    const reason = (err as Error).message;
    throw new Error(reason === "not installed" ? `not installed, ${ENABLE_COMMAND[name]}` : reason);
  }
}

/**
 * Loads an optional native package; it registers the `tensorflow` backend with tfjs when it works.
 * Throws "not installed" or "installed but failed to load (…)". Exported for tests.
 */
export async function loadNative(pkg: string): Promise<void> {
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "MODULE_NOT_FOUND") {
      if (String(e.message).includes(pkg)) throw new Error("not installed");
    }
    throw new Error(`installed but failed to load (${firstLine(e?.message ?? String(err))})`);
  }
  if (tf.findBackend("tensorflow") == null) {
    // The package brought its own copy of @tensorflow/tfjs-core and registered there, not with ours.
    throw new Error("loaded, but registered with a different copy of @tensorflow/tfjs");
  }
}

/** The default candidates, in preference order. */
export function defaultCandidates(): BackendCandidate[] {
  return [
    { name: "gpu", tfName: "tensorflow", load: () => loadOptIn("gpu") },
    { name: "node", tfName: "tensorflow", load: () => loadOptIn("node") },
    {
      name: "wasm",
      tfName: "wasm",
      load: async () => {
        try {
          await import("@tensorflow/tfjs-backend-wasm");
        } catch (err) {
          throw new Error(`failed to load (${firstLine((err as Error)?.message ?? String(err))})`);
        }
      },
      details: () => {
        const native = loadNativeAddon();
        return native.active
          ? { label: "wasm + native BLAS", note: nativeSummary(native), native }
          : { note: describeNative(native), native };
      },
    },
    { name: "cpu", tfName: "cpu", load: async () => {} },
  ];
}

function firstLine(s: string): string {
  const line = s.split("\n")[0].trim();
  return line.length > 160 ? line.slice(0, 157) + "..." : line;
}

/** Parses VAE_LAB_BACKEND; undefined or "" or "auto" means automatic selection. */
export function parseForcedBackend(value: string | undefined): BackendChoiceName | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "" || v === "auto") return undefined;
  const aliases: Record<string, BackendChoiceName> = {
    gpu: "gpu",
    "tfjs-node-gpu": "gpu",
    cuda: "gpu",
    node: "node",
    "tfjs-node": "node",
    tensorflow: "node",
    native: "node",
    wasm: "wasm",
    cpu: "cpu",
    js: "cpu",
  };
  const name = aliases[v];
  if (!name) {
    throw new Error(
      `${BACKEND_ENV_VAR}="${value}" is not a backend. Use one of: gpu, node, wasm, cpu (or unset it to choose automatically).`,
    );
  }
  return name;
}

/** Silences the "looks like you are running TensorFlow.js in Node.js" banner of the CPU backend. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

let current: Promise<BackendChoice> | null = null;

/**
 * Selects and activates a backend once per process; later calls return the same choice.
 * Pass `candidates` and `env` only in tests.
 */
export function initBackend(
  options: { candidates?: BackendCandidate[]; env?: Record<string, string | undefined>; quiet?: boolean } = {},
): Promise<BackendChoice> {
  if (options.candidates || options.env) return selectBackend(options);
  if (!current) current = selectBackend(options);
  return current;
}

async function selectBackend(
  options: { candidates?: BackendCandidate[]; env?: Record<string, string | undefined> } = {},
): Promise<BackendChoice> {
  const env = options.env ?? process.env;
  const candidates = options.candidates ?? defaultCandidates();
  const forcedName = parseForcedBackend(env[BACKEND_ENV_VAR]);
  const skipped: { name: BackendChoiceName; reason: string }[] = [];

  const order = forcedName ? candidates.filter((c) => c.name === forcedName) : candidates;
  for (const c of order) {
    let loaded = false; // past loading the package: a later error is the backend failing to start
    try {
      await c.load();
      loaded = true;
      installEngine(env);
      const ok = await tf.setBackend(c.tfName);
      if (!ok) throw new Error("failed to initialise");
      await tf.ready();
      silenceCpuBanner();
      const details = engineRequested(env)
        ? (c.details?.() ?? {})
        : { note: `fast path off by ${ENGINE_ENV_VAR}=${env[ENGINE_ENV_VAR]}` };
      const notes = [
        ...(details.note ? [details.note] : []),
        ...(forcedName
          ? [`forced by ${BACKEND_ENV_VAR}=${env[BACKEND_ENV_VAR]}`]
          : skipped.map((s) => `${s.name}: ${s.reason}`)),
      ];
      const message = `vae-lab: using ${details.label ?? c.name}` + (notes.length ? ` (${notes.join("; ")})` : "");
      const choice: BackendChoice = {
        name: c.name,
        tfName: c.tfName,
        skipped,
        forced: forcedName !== undefined,
        message,
      };
      if (details.native) choice.native = details.native;
      return choice;
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      const reason = loaded ? `failed to start: ${message}` : message;
      if (forcedName && loaded) {
        throw new Error(
          `${BACKEND_ENV_VAR}=${env[BACKEND_ENV_VAR]} asks for the ${c.name} backend, which is installed but ${reason}. ` +
            `Unset ${BACKEND_ENV_VAR} to choose automatically.`,
        );
      }
      if (forcedName) {
        throw new Error(
          `${BACKEND_ENV_VAR}=${env[BACKEND_ENV_VAR]} asks for the ${c.name} backend, but ${PACKAGE_OF[c.name]} is ${reason}. ` +
            `${ENABLE_COMMAND[c.name] ? `Enable it (${ENABLE_COMMAND[c.name]})` : `Install it (npm install ${PACKAGE_OF[c.name]})`} or unset ${BACKEND_ENV_VAR} to choose automatically.`,
        );
      }
      skipped.push({ name: c.name, reason });
    }
  }
  throw new Error(
    `No TensorFlow.js backend could start (${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}). Reinstall with npm install.`,
  );
}
