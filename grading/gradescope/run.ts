/**
 * Gradescope's per-submission entry (called by run_autograder): grades everything in the
 * submission folder as one student with the same grader, and writes Gradescope's results.json.
 * If grading itself fails, it still writes a results.json that says so (score 0, a message for
 * the instructor) and exits non-zero, so the failure is visible in Gradescope. What only
 * instructors may see (the jail warning, grader errors' details) goes to stdout, which Gradescope
 * shows to instructors only (results.json sets stdout_visibility "hidden").
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCommandLine } from "../../cli/args";
import { gradescopeResults, gradescopeStdout } from "../exports";
import { gradeBatch, NoNotebooksError } from "../grade";
import { writeAtomic } from "../report";

const spec = {
  submission: { type: "string", default: "/autograder/submission", help: "the student's submitted files" },
  results: { type: "string", default: "/autograder/results/results.json", help: "where Gradescope reads the results" },
  help: { type: "boolean", help: "show this help" },
} as const;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, "Usage: run.ts --submission DIR --results FILE\n", "gradescope run");
  if ("exit" in parsed) return parsed.exit;
  const { submission, results } = parsed.args as { submission: string; results: string };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-gradescope-"));
  try {
    const batch = await gradeBatch({
      inputs: [submission],
      outDir: out,
      jobs: 1,
      progress: false,
      singleStudent: "submission",
    });
    const r = batch.results[0];
    if (!r) {
      writeAtomic(
        results,
        JSON.stringify(
          {
            score: 0,
            output: "No lesson notebook was found in your submission. Upload the lesson's notebook file (.ipynb).",
            output_format: "md",
            stdout_visibility: "hidden",
            tests: [],
          },
          null,
          2,
        ) + "\n",
      );
      return 0;
    }
    process.stdout.write(gradescopeStdout(r));
    for (const n of batch.info.notebooks)
      process.stdout.write(`${n.file}: ${n.status}${n.reason ? ` (${n.reason})` : ""}\n`);
    writeAtomic(results, JSON.stringify(gradescopeResults(r), null, 2) + "\n");
    return batch.exitCode;
  } catch (e) {
    const empty = e instanceof NoNotebooksError;
    process.stdout.write(`${empty ? "no notebook" : "GRADER ERROR"}: ${(e as Error).stack ?? e}\n`);
    const output = empty
      ? "No notebook (.ipynb) was found in your submission. Upload the lesson's notebook file."
      : "The autograder itself failed (not your fault). Your instructor can see what went wrong.";
    writeAtomic(
      results,
      JSON.stringify({ score: 0, output, output_format: "md", stdout_visibility: "hidden", tests: [] }, null, 2) + "\n",
    );
    return empty ? 0 : 1;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
