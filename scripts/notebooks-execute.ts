/**
 * `npm run notebooks:execute [-- <notebook>...]`: runs notebooks top to bottom through a real
 * Jupyter kernel (nbclient + tslab), saves executed, trusted copies to out/executed/, prints per-cell
 * progress and per-notebook times, and exits non-zero when a cell fails.
 *
 * `--expect-error "<text>"` inverts the check, for student forms: succeed only if execution stopped
 * at an error whose text contains <text> (e.g. "not implemented yet: reparameterize").
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { formatOptions, parseCommandLine, UsageError } from "../cli/args";
import { buildLibrary, findPython, KERNEL_NAME, registerKernel, ROOT } from "./jupyter";

const spec = {
  out: { type: "string", default: "out/executed", help: "folder for the executed notebooks" },
  "allow-errors": { type: "boolean", help: "run every cell even after one fails (still exits non-zero)" },
  "expect-error": { type: "string", help: "succeed only if execution stops at an error containing this text" },
  rerun: {
    type: "string",
    help: "code cells (1-based, comma-separated) to run once more at the end, as a learner re-running them",
  },
  timeout: { type: "number", integer: true, min: 1, default: 600, help: "seconds a single cell may take" },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run notebooks:execute -- [notebooks...] [options]

Executes notebooks through a real Jupyter kernel (tslab via nbclient) into out/executed/, signed as
trusted. With no notebooks given: every notebook in solutions/ and notebooks/ (student forms are
expected to stop at their first TODO; use --expect-error for those).

Options:
${formatOptions(spec)}
`;

interface Outcome {
  notebook: string;
  ok: boolean;
  seconds: number;
  message: string;
}

function executeOne(
  python: string,
  jupyterPath: string | undefined,
  nb: string,
  outDir: string,
  args: { allowErrors: boolean; timeout: number; rerun?: string },
): Promise<{ seconds: number; errors: { cell: number; error: string }[]; cells: number }> {
  return new Promise((resolvePromise, reject) => {
    const dst = join(outDir, basename(nb));
    // Always this project's kernel, whatever the notebook's metadata names: CI tests what learners run.
    const argv = [
      join(ROOT, "scripts", "execute_notebook.py"),
      nb,
      dst,
      "--kernel",
      KERNEL_NAME,
      "--timeout",
      String(args.timeout),
      "--cwd",
      dirname(resolve(nb)),
    ];
    if (args.allowErrors) argv.push("--allow-errors");
    if (args.rerun) argv.push("--rerun", args.rerun);
    const env = { ...process.env, ...(jupyterPath ? { JUPYTER_PATH: jupyterPath } : {}) };
    const child = spawn(python, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let buffer = "";
    let stderr = "";
    let done: { seconds: number; errors: { cell: number; error: string }[]; cells: number } | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let ev: Record<string, unknown>;
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        // On a terminal, show the running cell (a training cell may take minutes), then its result.
        if (ev.event === "start" && process.stdout.isTTY) {
          process.stdout.write(`  … cell ${ev.cell}/${ev.of}`);
        } else if (ev.event === "cell") {
          const mark = ev.error ? "✗" : "✓";
          process.stdout.write(
            `${process.stdout.isTTY ? "\r" : ""}  ${mark} cell ${ev.cell}/${ev.of}  ${Number(ev.seconds).toFixed(1)} s\n`,
          );
        } else if (ev.event === "done") {
          done = ev as unknown as typeof done;
        }
      }
    });
    child.stderr.on("data", (c: Buffer) => void (stderr += c.toString()));
    child.on("close", (code) => {
      if (done) resolvePromise(done);
      else
        reject(
          new Error(
            `executing ${nb} failed before it finished (exit ${code}): ${stderr.trim().split("\n").slice(-5).join("\n")}`,
          ),
        );
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "notebooks:execute");
  if ("exit" in parsed) return parsed.exit;
  const { args } = parsed;
  const notebooks =
    args._.length > 0
      ? args._
      : ["solutions", "notebooks"].flatMap((d) =>
          existsSync(d)
            ? readdirSync(d)
                .filter((f) => f.endsWith(".ipynb"))
                .sort()
                .map((f) => join(d, f))
            : [],
        );
  for (const nb of notebooks) if (!existsSync(nb)) throw new UsageError(`${nb}: no such notebook.`);
  const python = findPython(["nbclient", "nbformat", "jupyter_client"]);
  if (!python) {
    process.stderr.write(
      "notebooks:execute needs Jupyter's nbclient: apt-get install python3-nbclient jupyter-client jupyter-nbconvert (or pip install nbclient).\n",
    );
    return 1;
  }
  buildLibrary();
  const { jupyterPath } = registerKernel(python, { prefix: join(ROOT, ".cache", "jupyter") });
  mkdirSync(args.out!, { recursive: true });

  const outcomes: Outcome[] = [];
  for (const nb of notebooks) {
    process.stdout.write(`${nb}\n`);
    const r = await executeOne(python, jupyterPath, nb, args.out!, {
      allowErrors: args["allow-errors"] === true,
      timeout: args.timeout!,
      rerun: args.rerun,
    });
    const expected = args["expect-error"];
    let ok: boolean, message: string;
    if (expected !== undefined) {
      const first = r.errors[0];
      ok = first !== undefined && first.error.includes(expected);
      message = first
        ? ok
          ? `stopped at cell ${first.cell} with the expected error`
          : `stopped at cell ${first.cell}, but the error does not mention "${expected}":\n${first.error}`
        : `ran without error, but an error containing "${expected}" was expected`;
    } else {
      ok = r.errors.length === 0;
      message = ok
        ? `${r.cells} cells, no errors`
        : r.errors.map((e) => `cell ${e.cell} failed:\n${e.error}`).join("\n");
    }
    outcomes.push({ notebook: nb, ok, seconds: r.seconds, message });
    process.stdout.write(`  ${ok ? "ok" : "FAILED"} in ${r.seconds.toFixed(1)} s: ${message}\n`);
  }
  process.stdout.write(
    `\n${outcomes.filter((o) => o.ok).length} passed, ${outcomes.filter((o) => !o.ok).length} failed; executed copies in ${args.out}/\n`,
  );
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`notebooks:execute failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
