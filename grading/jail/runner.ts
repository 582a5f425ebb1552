/**
 * The jailed child (docs/design.md §6): loads one submission's compiled solution cells and runs the
 * exercises' probes on them, one request at a time, replying with plain observations on fd 3.
 *
 * It is bundled (esbuild, tfjs included) into one file next to the WASM binaries, so the jail needs
 * to see only node, that directory and the submission's module. It holds the probes (the inputs,
 * which student code sees anyway when called) but no reference values, judges or solutions.
 *
 * Before student code loads, the runner keeps its own references to what it needs (fs.writeSync,
 * v8), removes escape hatches (process.binding, process.mainModule, …) and freezes the intrinsics
 * the probes compute with (Math, JSON, prototypes), so patched globals cannot bend the
 * observations. After every probe it checks that tfjs's kernel registry is unchanged.
 * None of this is the security boundary (the jail is); it keeps honest-looking tricks from
 * changing this submission's numbers.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { exercises } from "../../exercises/index";
import { observe } from "../../exercises/observe";
import { registerWasmExtras } from "../../src/kernels/wasm";
import { hiddenSuites } from "../hidden/index";
import * as library from "./library";
import { encodeFrame, FrameReader, TAMPERED, type Reply, type Request } from "./protocol";

const REPLY_FD = 3;
const writeSync = fs.writeSync;
const cpuUsage = process.cpuUsage.bind(process);
const send = (r: Reply) => {
  const frame = encodeFrame(r);
  let off = 0;
  while (off < frame.length) off += writeSync(REPLY_FD, frame, off);
};

const errorText = (e: unknown) => {
  try {
    return e instanceof Error ? `${e.name}: ${String(e.message).split("\n")[0]}` : `a non-Error value: ${String(e).slice(0, 160)}`;
  } catch {
    return "a value that cannot be printed";
  }
};

/** Display and notebook helpers: harmless no-ops while grading (a cell may call them at its top level). */
const NO_OPS: Record<string, unknown> = {
  check: () => undefined,
  initBackend: () => Promise.resolve({ name: "wasm", tfName: "wasm", skipped: [], forced: false, message: "" }),
  progressDisplay: () => ({ update: () => undefined, finish: () => undefined }),
};
const isDisplay = (key: string) => /^(show|display|live)[A-Z]/.test(key);

/** `require` for graded code: only the library and tfjs. */
const vaeLab = new Proxy(library as Record<string, unknown>, {
  get(target, key) {
    if (key in target || typeof key === "symbol" || key === "__esModule") return key === "__esModule" ? true : target[key as string];
    if (key in NO_OPS) return NO_OPS[key];
    if (isDisplay(key)) return () => undefined;
    return () => {
      throw new Error(`vae-lab's ${String(key)} is not available while grading: write the function with tf operations instead.`);
    };
  },
});
const [modulePath, referenceModule] = process.argv.slice(2);
const references = Object.fromEntries(Object.values(exercises).map((ex) => [ex.functionName, ex.reference]));
/** Any other module: using it throws (at use, not at import, so only the functions that use it fail). */
const denied = (name: string) =>
  new Proxy({}, {
    get: (_t, key) => {
      if (key === "__esModule" || typeof key === "symbol") return undefined;
      throw new Error(`import of "${name}" is not allowed in graded code: solution cells may import only from "vae-lab" and "@tensorflow/tfjs".`);
    },
    ownKeys: () => [],
  });
function gradedRequire(name: string): unknown {
  if (name === "vae-lab") return vaeLab;
  if (name === "@tensorflow/tfjs" || name === "@tensorflow/tfjs-core") return tf;
  if (name === referenceModule) return references;
  return denied(String(name));
}

function kernelFingerprint(): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of tf.getKernelsForBackend(tf.getBackend())) m.set(k.kernelName, k.kernelFunc);
  return m;
}
function sameKernels(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, f] of a) if (b.get(k) !== f) return false;
  return true;
}

function harden(): void {
  const p = process as unknown as Record<string, unknown>;
  for (const k of ["binding", "_linkedBinding", "dlopen", "mainModule", "send", "channel"]) {
    try {
      delete p[k];
    } catch {
      /* not configurable: leave it */
    }
  }
  const g = globalThis as unknown as Record<string, { prototype?: object } | undefined>;
  const ctors = ["Object", "Array", "Function", "Number", "String", "Boolean", "Error", "TypeError", "RangeError", "Map", "Set", "Promise",
    "Float32Array", "Float64Array", "Int32Array", "Uint8Array", "ArrayBuffer", "Symbol", "BigInt"];
  for (const c of ctors) {
    const ctor = g[c];
    if (!ctor) continue;
    if (ctor.prototype) Object.freeze(ctor.prototype);
    Object.freeze(ctor);
  }
  for (const o of [Math, JSON, Reflect, Atomics]) Object.freeze(o);
}

async function main(): Promise<void> {
  setWasmPaths(path.dirname(process.argv[1]) + path.sep);
  registerWasmExtras();
  if (!(await tf.setBackend("wasm"))) throw new Error("the WASM backend did not start");
  await tf.ready();
  const suiteOf = (suite: string, id: string) => (suite === "hidden" ? hiddenSuites[id]?.exercise : exercises[id]);
  let fns: Record<string, unknown> | null = null;
  const kernels = kernelFingerprint();
  harden();

  const handle = (req: Request): Reply => {
    if (req.op === "load") {
      const code = fs.readFileSync(modulePath, "utf8");
      const wrapper = vm.runInThisContext(`(function (require, module, exports) {${code}\n})`, { filename: "submission.js" }) as (r: unknown, m: unknown, e: unknown) => void;
      const module = { exports: {} as Record<string, unknown> };
      try {
        wrapper(gradedRequire, module, module.exports);
      } catch (e) {
        return { id: req.id, ok: false, error: errorText(e) };
      }
      // Kernels stay as fingerprinted before loading: a patch at load time counts too.
      const exp = module.exports as { __fn?: Record<string, unknown>; __loadErrors?: unknown };
      fns = exp.__fn ?? {};
      return { id: req.id, ok: true, value: { failedRegions: Array.isArray(exp.__loadErrors) ? [...exp.__loadErrors] : [] } };
    }
    if (req.op === "usage") {
      const u = cpuUsage();
      return { id: req.id, ok: true, value: { cpuMs: (u.user + u.system) / 1000 } };
    }
    const ex = suiteOf(req.suite, req.exercise);
    if (!ex || !(req.probe in ex.probes)) return { id: req.id, ok: false, error: `unknown probe ${req.exercise}/${req.probe}` };
    if (!fns) return { id: req.id, ok: false, error: "the module was not loaded" };
    const fn = fns[ex.functionName];
    if (fn === ex.reference || fn === references[ex.functionName]) return { id: req.id, ok: true, value: { ok: false, error: `${ex.functionName} is the library's own implementation, not yours.`, notImplemented: false } };
    if (typeof fn !== "function") return { id: req.id, ok: true, value: { ok: false, error: `${ex.functionName} is not a function here.`, notImplemented: false } };
    const seen = observe(ex, fn, [req.probe]) as Record<string, unknown>;
    if (!sameKernels(kernels, kernelFingerprint())) {
      // The parent restarts the child for the remaining probes: the next function starts clean.
      return { id: req.id, ok: true, tainted: true, value: { ok: false, error: TAMPERED, notImplemented: false } };
    }
    return { id: req.id, ok: true, value: seen[req.probe] };
  };

  const reader = new FrameReader();
  process.stdin.on("data", (chunk: Buffer) => {
    for (const req of reader.push(chunk) as Request[]) {
      let reply: Reply;
      try {
        reply = handle(req);
      } catch (e) {
        reply = { id: req.id, ok: false, error: errorText(e) };
      }
      send(reply);
    }
  });
  send({ id: 0, ok: true }); // ready
}

main().catch((e) => {
  try {
    send({ id: 0, ok: false, error: `the runner could not start: ${errorText(e)}` });
  } finally {
    process.exit(70);
  }
});
