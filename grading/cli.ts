/**
 * `npm run grade -- <notebooks or folders...> [--out DIR] [--jobs N]` (also `vae-lab grade`).
 * Thin: parse arguments, grade, print where the reports are.
 */
import * as path from "node:path";
import { formatOptions, parseCommandLine } from "../src/cli/args";
import { gradeBatch } from "./grade";

const spec = {
  out: { type: "string", default: "out/grades", help: "folder for gradebook.csv, results.json, feedback/, gradescope/, summary.md/.html" },
  jobs: { type: "number", integer: true, min: 1, max: 16, help: "submissions graded at once (default: number of cores)" },
  "call-timeout": { type: "number", min: 0.1, default: 10, help: "seconds a single call into student code may take" },
  "submission-timeout": { type: "number", min: 1, default: 60, help: "seconds a whole submission may take" },
  templates: { type: "string", help: "folder of solved lesson notebooks (default: solutions/)" },
  help: { type: "boolean", help: "show this help" },
} as const;

const usage = `Usage: npm run grade -- <notebooks or folders...> [options]
       vae-lab grade <notebooks or folders...> [options]

Grades submitted lesson notebooks against hidden tests. Each submission's solution cells are
extracted (by grade_id and function name), compiled, and run in a jail (bubblewrap: no network,
its own uid, read-only minimal files, memory/process/time limits); the tests judge the results in
this process. A student is the folder a notebook is in (alice/01_swiss_roll_vae.ipynb), or the
file name without the lesson's name (alice_01_swiss_roll_vae.ipynb, alice.ipynb).

Writes gradebook.csv, results.json, feedback/<student>.md, gradescope/<student>/results.json,
summary.md and summary.html. Exits with 1 only if grading itself failed, not when students did.

Options:
${formatOptions(spec)}
`;

export async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, spec, usage, "npm run grade");
  if ("exit" in parsed) return parsed.exit;
  const a = parsed.args;
  if (a._.length === 0) {
    process.stderr.write(`npm run grade: give at least one notebook or folder.\n\n${usage}`);
    return 2;
  }
  try {
    const { results, info, exitCode } = await gradeBatch({
      inputs: a._, outDir: a.out!, ...(a.jobs ? { jobs: a.jobs } : {}), ...(a.templates ? { templatesDir: a.templates } : {}),
      limits: { callMs: a["call-timeout"]! * 1000, submissionMs: a["submission-timeout"]! * 1000 },
    });
    const rel = path.relative(process.cwd(), path.resolve(a.out!)) || ".";
    for (const r of results) process.stdout.write(`${r.student}: ${r.score} / ${r.maxScore}${r.graderError ? "  (GRADER ERROR)" : ""}\n`);
    if (info.skipped.length) process.stdout.write(`skipped: ${info.skipped.map((s) => `${s.file} (${s.reason})`).join(", ")}\n`);
    if (info.jailWarning) process.stdout.write(`\n!!! ${info.jailWarning}\n`);
    for (const e of info.graderErrors) process.stderr.write(`grader error: ${e}\n`);
    process.stdout.write(`${results.length} submissions graded in ${info.seconds.toFixed(1)} s. Reports: ${rel}/gradebook.csv, results.json, feedback/, gradescope/, summary.md, summary.html\n`);
    return exitCode;
  } catch (e) {
    process.stderr.write(`npm run grade: ${(e as Error).message}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]).replace(/\.[cm]?[jt]s$/, "") === path.resolve(new URL(import.meta.url).pathname).replace(/\.[cm]?[jt]s$/, "");
if (invokedDirectly) main(process.argv.slice(2)).then((code) => process.exit(code));
