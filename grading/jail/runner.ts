/**
 * The jailed child (docs/grading.md): loads one submission's compiled solution cells, binds every
 * exercise it is not grading to our stand-in (./standins.ts) or to an error, and answers calls of
 * the one exercise it grades: inputs arrive as plain data, the raw outcome goes back on fd 3
 * (exercises/harness.ts). It holds no probe, no hidden input, no judge and no reference: the
 * trusted side chooses every input, validates every reply and computes every statistic, so
 * whatever the learner's code does to this realm (globals, the serializer, the channel) can change
 * only the raw numbers it returns.
 *
 * ./bundle.ts builds one runner file per exercise (an entry calling `startRunner` with that
 * exercise's library, ./library.ts, and stand-ins), bundled with tfjs next to the WASM binaries.
 * The hardening below (escape hatches removed, intrinsics frozen, a kernel fingerprint) is not a
 * boundary of trust; it only keeps honest-looking tricks from confusing the learner's own results.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vm from "node:vm";
import { runCall, thrownMessage, type Call } from "../../exercises/harness";
import { registerWasmExtras } from "../../src/engine/wasm";
import { forbiddenMessage } from "./library";
import { encodeFrame, FrameReader, TAMPERED, type Reply, type Request } from "./protocol";

const REPLY_FD = 3;
const writeSync = fs.writeSync;
const cpuUsage = process.cpuUsage.bind(process);
const send = (r: Reply) => {
  const frame = encodeFrame(r);
  let off = 0;
  while (off < frame.length) off += writeSync(REPLY_FD, frame, off);
};

/** Display and notebook helpers: harmless no-ops while grading (a cell may call them at its top level). */
const NO_OPS: Record<string, unknown> = {
  check: () => undefined,
  initBackend: () => Promise.resolve({ name: "wasm", tfName: "wasm", skipped: [], forced: false, message: "" }),
  progressDisplay: () => ({ update: () => undefined, finish: () => undefined }),
};
const isDisplay = (key: string) => /^(show|display|live)[A-Z]/.test(key);

/** `require("vae-lab")` for graded code: the exercise's allowed helpers; anything else throws when called. */
function vaeLab(library: Record<string, unknown>): unknown {
  return new Proxy(library, {
    get(target, key) {
      if (key === "__esModule") return true;
      if (typeof key === "symbol") return undefined;
      if (key in target) return target[key];
      if (key in NO_OPS) return NO_OPS[key];
      if (isDisplay(key)) return () => undefined;
      return () => {
        throw new Error(`${forbiddenMessage(key)}: write it with the operations the exercise's text allows.`);
      };
    },
  });
}

/** Any other module: using it throws (at use, not at import, so only the functions that use it fail). */
const denied = (name: string) =>
  new Proxy(
    {},
    {
      get: (_t, key) => {
        if (key === "__esModule" || typeof key === "symbol") return undefined;
        throw new Error(
          `import of "${name}" is not allowed in graded code: solution cells may import only from "vae-lab" and "@tensorflow/tfjs".`,
        );
      },
      ownKeys: () => [],
    },
  );

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
  for (const k of ["binding", "_linkedBinding", "dlopen", "mainModule", "send", "channel", "getBuiltinModule"]) {
    try {
      delete p[k];
    } catch {
      /* not configurable: leave it */
    }
  }
  const g = globalThis as unknown as Record<string, { prototype?: object } | undefined>;
  // Not the Error classes: Node's own errors assign `name` on their instances (undici on Node 24),
  // which a frozen Error.prototype turns into a TypeError that kills the process.
  const ctors = [
    "Object",
    "Array",
    "Function",
    "Number",
    "String",
    "Boolean",
    "Map",
    "Set",
    "Promise",
    "Float32Array",
    "Float64Array",
    "Int32Array",
    "Uint8Array",
    "ArrayBuffer",
    "Symbol",
    "BigInt",
  ];
  for (const c of ctors) {
    const ctor = g[c];
    if (!ctor) continue;
    if (ctor.prototype) Object.freeze(ctor.prototype);
    Object.freeze(ctor);
  }
  for (const o of [Math, JSON, Reflect, Atomics]) Object.freeze(o);
}

type Load = { underTest: string; others: string[] };

/** Starts the child: `library` is what "vae-lab" offers, `standIns` what other exercises' names are bound to. */
export async function startRunner(
  library: Record<string, unknown>,
  standIns: Record<string, (...args: never[]) => unknown>,
): Promise<void> {
  const modulePath = process.argv[2];
  try {
    setWasmPaths(path.dirname(process.argv[1]) + path.sep);
    registerWasmExtras();
    if (!(await tf.setBackend("wasm"))) throw new Error("the WASM backend did not start");
    await tf.ready();
  } catch (e) {
    send({ id: 0, ok: false, error: `the runner could not start: ${thrownMessage(e)}` });
    process.exit(70);
  }
  const lib = vaeLab(library);
  const gradedRequire = (name: string): unknown =>
    name === "vae-lab"
      ? lib
      : name === "@tensorflow/tfjs" || name === "@tensorflow/tfjs-core"
        ? tf
        : denied(String(name));
  let fn: unknown;
  const kernels = kernelFingerprint();
  harden();

  const load = async (id: number, req: Load): Promise<Reply> => {
    const code = fs.readFileSync(modulePath, "utf8");
    const wrapper = vm.runInThisContext(`(function (require, module, exports) {${code}\n})`, {
      filename: "submission.js",
    }) as (r: unknown, m: unknown, e: unknown) => void;
    const module = { exports: {} as Record<string, unknown> };
    try {
      wrapper(gradedRequire, module, module.exports);
      const run = module.exports.__run;
      if (typeof run === "function") await run();
    } catch (e) {
      return { id, ok: false, error: thrownMessage(e) };
    }
    const exp = module.exports as { __fn?: Record<string, unknown>; __loadErrors?: unknown };
    const fns = exp.__fn ?? {};
    fn = fns[req.underTest];
    for (const other of req.others) {
      fns[other] =
        standIns[other] ??
        (() => {
          throw new Error(`${other} is graded on its own: while ${req.underTest} is graded, it cannot call ${other}.`);
        });
    }
    return { id, ok: true, value: { failedRegions: Array.isArray(exp.__loadErrors) ? [...exp.__loadErrors] : [] } };
  };

  const handle = async (req: Request): Promise<Reply> => {
    if (req.op === "load") return load(req.id, req);
    if (req.op === "usage") {
      const u = cpuUsage();
      return { id: req.id, ok: true, value: { cpuMs: (u.user + u.system) / 1000 } };
    }
    const outcome = runCall(fn, req.call as Call);
    if (!sameKernels(kernels, kernelFingerprint()))
      return { id: req.id, ok: true, tainted: true, value: { ok: false, error: TAMPERED, notImplemented: false } };
    return { id: req.id, ok: true, value: outcome };
  };

  const reader = new FrameReader();
  let queue = Promise.resolve();
  process.stdin.on("data", (chunk: Buffer) => {
    for (const req of reader.push(chunk) as Request[]) {
      queue = queue.then(async () => {
        let reply: Reply;
        try {
          reply = await handle(req);
        } catch (e) {
          reply = { id: req.id, ok: false, error: thrownMessage(e) };
        }
        send(reply);
      });
    }
  });
  send({ id: 0, ok: true }); // ready
}
