/**
 * Which cells the kernel ran, and whether they ran: so `check()` can tell that the function it was
 * given is a stale one. tslab keeps the previous definition of a function when the cell redefining
 * it fails (a type error, say); checking it would test the old version and show green.
 *
 * Inside a tslab kernel, the handler's `handleExecuteImpl` (tslab/dist/jupyter.js) is wrapped, once,
 * to record each cell's code and outcome. Outside a kernel this module records nothing.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { projectRoot } from "../paths";

export interface CellRun {
  code: string;
  ok: boolean;
}

const runs: CellRun[] = [];
const req = createRequire(join(projectRoot() ?? process.cwd(), "package.json"));

type Impl = (this: unknown, request: { code: string }, ...rest: unknown[]) => Promise<unknown>;

/** Starts recording (idempotent). Returns whether it is recording: false outside a tslab kernel. */
export function recordCellRuns(): boolean {
  const file = Object.keys(req.cache).find((f) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(f));
  const handler = file
    ? (
        req.cache[file]?.exports as {
          JupyterHandlerImpl?: { prototype: { handleExecuteImpl?: Impl & { vaeLab?: true } } };
        }
      ).JupyterHandlerImpl
    : undefined;
  const proto = handler?.prototype;
  if (!proto?.handleExecuteImpl) return false;
  if (proto.handleExecuteImpl.vaeLab) return true;
  const original = proto.handleExecuteImpl;
  const wrapped: Impl & { vaeLab?: true } = async function (this: unknown, request, ...rest) {
    const code = typeof request?.code === "string" ? request.code : "";
    try {
      const result = await original.call(this, request, ...rest);
      runs.push({ code, ok: true });
      return result;
    } catch (e) {
      runs.push({ code, ok: false }); // tslab throws its execution count when a cell fails
      throw e;
    }
  };
  wrapped.vaeLab = true;
  proto.handleExecuteImpl = wrapped;
  return true;
}

/** For tests: the runs as a kernel would have recorded them. */
export function setCellRunsForTesting(list: CellRun[]): void {
  runs.splice(0, runs.length, ...list);
}

const defines = (code: string, name: string) =>
  new RegExp(`\\bfunction\\s*\\*?\\s*${name}\\s*[(<]|\\b(?:const|let|var)\\s+${name}\\b\\s*(?::[^=]+)?=`).test(code);

/**
 * When the last cell that (re)defines `name` failed to run: a message saying so. Then `name` is
 * still its earlier definition (or none), and checking it would mislead. Undefined otherwise.
 */
export function staleDefinition(name: string): string | undefined {
  for (let i = runs.length - 1; i >= 0; i--) {
    if (!defines(runs[i].code, name)) continue;
    if (runs[i].ok) return undefined;
    return (
      `✗ The cell that defines ${name} did not run: it stopped with an error (shown under that cell). ` +
      `The ${name} you passed is the version from before that edit, so checking it would test old code. Fix the error, run that cell again, then run this check.`
    );
  }
  return undefined;
}
