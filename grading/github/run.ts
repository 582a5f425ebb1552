/**
 * GitHub Classroom's entry (the `vaelab` step of exports' CLASSROOM_WORKFLOW): grades the checked-out
 * repository as one student with the same grader and hands the result to
 * classroom-resources/autograding-grading-reporter as the step output `result` (base64 of
 * classroomResult's JSON), written to $GITHUB_OUTPUT. The log shows the student's feedback (the
 * repository is theirs: the log is theirs too); the exit code is 0 unless grading itself failed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCommandLine } from "../../cli/args";
import { classroomResult, type ClassroomResult } from "../exports";
import { gradeBatch, NoNotebooksError } from "../grade";
import { feedbackMarkdown } from "../report";

const spec = {
  submission: { type: "string", default: ".", help: "the student's repository" },
  output: { type: "string", help: "file to append `result=<base64>` to (default: $GITHUB_OUTPUT)" },
  help: { type: "boolean", help: "show this help" },
} as const;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    spec,
    "Usage: run.ts [--submission DIR] [--output FILE]\n",
    "github classroom run",
  );
  if ("exit" in parsed) return parsed.exit;
  const outputFile = parsed.args.output ?? process.env.GITHUB_OUTPUT;
  const emit = (result: ClassroomResult) => {
    const line = `result=${Buffer.from(JSON.stringify(result)).toString("base64")}\n`;
    if (outputFile) fs.appendFileSync(outputFile, line);
    else process.stdout.write(line);
  };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "vae-lab-classroom-"));
  try {
    const batch = await gradeBatch({
      inputs: [parsed.args.submission!],
      outDir: out,
      jobs: 1,
      progress: false,
      singleStudent: "submission",
    });
    const r = batch.results[0];
    process.stdout.write(feedbackMarkdown(r) + "\n");
    emit(classroomResult(r));
    return batch.exitCode;
  } catch (e) {
    const empty = e instanceof NoNotebooksError;
    process.stdout.write(`${empty ? "" : "GRADER ERROR: "}${(e as Error).message}\n`);
    emit({
      version: 1,
      status: "error",
      max_score: 0,
      tests: [
        {
          name: empty ? "a lesson notebook is in the repository" : "the grader ran",
          status: "error",
          score: 0,
          message: (e as Error).message,
          test_code: "",
          filename: "",
          line_no: 0,
          duration: 0,
        },
      ],
    });
    return empty ? 0 : 1;
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
