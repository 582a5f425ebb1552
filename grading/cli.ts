/**
 * `npm run grade -- <notebooks or folders...> [--out DIR] [--jobs N]` (also `vae-lab grade`).
 * Thin: parse arguments, grade, print where the reports are.
 */
import * as path from "node:path";
import { formatOptions, invokedDirectly, parseCommandLine } from "../cli/args";
import { gradeBatch, InputError } from "./grade";
import { needsLook, statusOf } from "./report";

const spec = {
  out: {
    type: "string",
    default: "out/grades",
    help: "folder for summary.html/.md, gradebook.csv, results.json, feedback/, gradescope/, exports/",
  },
  jobs: {
    type: "number",
    integer: true,
    min: 1,
    max: 16,
    help: "submissions graded at once (default: number of cores)",
  },
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
this process. Outputs in the notebooks are discarded unread: executed notebooks are fine.

Who is who: a notebook in a folder belongs to that folder (alice/anything.ipynb → alice); only in
a flat folder is the file name read (bob_01_swiss_roll_vae.ipynb → bob; Canvas and Moodle
download names → their student; Jupyter's "-Copy1" and " (1)" are copies, not students). Per
student and lesson one notebook is graded; the others are named in the output and the feedback.

Writes gradebook.csv, results.json, feedback/<student>.md, summary.html (the TA's view),
summary.md, gradescope/<student>/results.json and exports/ (Canvas, Moodle, GitHub Classroom).
Exits 0 when grading worked (whatever students scored), 1 if grading itself failed for anyone,
2 on bad usage: an input that does not exist, or no notebook found.

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
      inputs: a._,
      outDir: a.out!,
      ...(a.jobs ? { jobs: a.jobs } : {}),
      ...(a.templates ? { templatesDir: a.templates } : {}),
      limits: { callMs: a["call-timeout"]! * 1000, submissionMs: a["submission-timeout"]! * 1000 },
    });
    const rel = path.relative(process.cwd(), path.resolve(a.out!)) || ".";
    const w = (line = "") => process.stdout.write(line + "\n");
    for (const r of results)
      w(
        `${r.student}: ${r.graderError ? "GRADER ERROR, not graded" : `${r.score} / ${r.maxScore}`}  (${statusOf(r, info)})`,
      );
    if (info.skipped.length) {
      w(`\nNot graded (${info.skipped.length}):`);
      for (const s of info.skipped) w(`  ${s.file}: ${s.reason}`);
    }
    if (info.jailWarning) w(`\n!!! ${info.jailWarning}`);
    for (const e of info.graderErrors) process.stderr.write(`grader error: ${e}\n`);
    const by = (st: string) => info.notebooks.filter((n) => n.status === st).length;
    w(
      `\n${results.length} students, ${info.notebooks.length} notebooks (${by("graded")} graded, ${by("duplicate")} duplicates, ${by("unreadable")} unreadable, ${by("grader error")} grader errors) in ${info.seconds.toFixed(1)} s.`,
    );
    const look = needsLook(results, info);
    w(look.length ? `Needs a human look (${look.length}):` : "Nothing needs a human look.");
    for (const l of look) w(`  - ${l}`);
    w(
      `Reports in ${rel}/: summary.html (the TA's view), gradebook.csv, results.json (every notebook's status), summary.md,`,
    );
    w(
      `  feedback/ (one file per student), gradescope/, exports/canvas.csv, exports/moodle.csv, exports/github-classroom/`,
    );
    return exitCode;
  } catch (e) {
    process.stderr.write(`npm run grade: ${(e as Error).message}\n`);
    return e instanceof InputError ? 2 : 1;
  }
}

if (invokedDirectly(import.meta.url)) main(process.argv.slice(2)).then((code) => process.exit(code));
