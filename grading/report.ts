/**
 * Reports, all written atomically (temp file + rename), so an interrupted run never leaves a half
 * file and a re-run replaces each one whole:
 *   gradebook.csv                  student, one column per exercise, total, max, status
 *   results.json                   everything (instructors): every input notebook with its status
 *   gradescope/<name>/results.json Gradescope's format (./exports)
 *   feedback/<name>.md             friendly per-exercise feedback with hints (learner-safe)
 *   summary.md, summary.html       the TA's view: every student with status and points, every
 *                                  notebook, duplicates/unreadable/late, common mistakes
 *   exports/                       Canvas and Moodle CSVs, GitHub Classroom results (./exports)
 * <name> is the student's id made safe as a file name, unique in the batch (outputNames).
 * Student-controlled text is escaped in every format (./escape).
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { exercises } from "../exercises/index";
import { csv } from "../src/csv";
import { writeAtomic } from "../src/files";
import { esc, mdText } from "./escape";
import { MANIFEST } from "./manifest";
import type { ExerciseResult, SubmissionResult } from "./types";

export { writeAtomic };

/** A student id safe as a file name: letters, digits, . _ - only. */
export function fileSafe(student: string): string {
  const s = student
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 100);
  return s || "_";
}

/**
 * Each student's output file name, unique in the batch even on case-insensitive file systems: the
 * id itself when it is already safe and no other differs from it only in case; otherwise the safe
 * form plus 8 hex digits of the id's SHA-256 ("al ice" → "al_ice-3c1f0e2a", never "al_ice").
 */
export function outputNames(students: string[]): Record<string, string> {
  const folded = new Map<string, number>();
  for (const s of students) folded.set(fileSafe(s).toLowerCase(), (folded.get(fileSafe(s).toLowerCase()) ?? 0) + 1);
  const names: Record<string, string> = {};
  for (const s of students) {
    const safe = fileSafe(s);
    const clash =
      safe !== s || (folded.get(safe.toLowerCase()) ?? 0) > 1 || /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(safe);
    names[s] = clash ? `${safe.slice(0, 90)}-${createHash("sha256").update(s).digest("hex").slice(0, 8)}` : safe;
  }
  return names;
}

const num = (n: number) => String(Math.round(n * 1000) / 1000);

/** One notebook found in the input, and what became of it. */
export interface NotebookEntry {
  file: string;
  student: string;
  /** How the student was read (./attribution). */
  rule: string;
  /** The lesson's file name without .ipynb, when known. */
  lesson?: string;
  status: "graded" | "unreadable" | "duplicate" | "grader error" | "not a lesson";
  reason?: string;
  duplicateOf?: string;
  late?: boolean;
}

/** A student's status in one word or phrase, for the gradebook and the summary. */
export function statusOf(r: SubmissionResult, info: BatchInfo): string {
  if (r.graderError) return "GRADER ERROR (not graded: see results.json)";
  const mine = info.notebooks.filter((n) => n.student === r.student);
  const parts = [
    mine.some((n) => n.status === "graded")
      ? "graded"
      : mine.some((n) => n.status === "unreadable")
        ? "unreadable"
        : "graded",
  ];
  if (mine.some((n) => n.status === "duplicate"))
    parts.push(`${mine.filter((n) => n.status === "duplicate").length} duplicate(s) not graded`);
  if (mine.some((n) => n.status === "unreadable") && parts[0] !== "unreadable") parts.push("an unreadable file");
  if (info.identities[r.student]?.late) parts.push("late");
  return parts.join("; ");
}

/** student, one column per exercise, total, max, status. A grader error leaves the points empty, never 0. */
export function gradebookCsv(results: SubmissionResult[], info: BatchInfo): string {
  const rows: (string | number | null)[][] = [["student", ...info.exerciseIds, "total", "max", "status"]];
  for (const r of results) {
    const by = new Map(r.exercises.map((e) => [e.id, e]));
    const points = (v: number) => (r.graderError ? null : v);
    rows.push([
      r.student,
      ...info.exerciseIds.map((id) => points(by.get(id)?.score ?? 0)),
      points(r.score),
      r.maxScore,
      statusOf(r, info),
    ]);
  }
  return csv(rows);
}

export function feedbackMarkdown(r: SubmissionResult): string {
  const out = [`# Feedback for ${mdText(r.student)}`, ""];
  if (r.graderError)
    out.push(
      "> **The grader had a problem with your submission (not your fault).** Your instructor has been told and will grade it again; the points below are not your grade.",
      "",
    );
  out.push(`**Total: ${num(r.score)} of ${num(r.maxScore)} points.**`, "");
  for (const n of r.notes) out.push(`> ${mdText(n)}`, "");
  for (const e of r.exercises) {
    out.push(`## ${e.functionName} — ${num(e.score)} / ${num(e.maxScore)}`, "", e.summary, ""); // the grader's own words
    for (const n of e.notes) out.push(`- ⚠️ ${mdText(n)}`);
    if (e.notes.length) out.push("");
    if (e.hint) out.push(`**Hint:** ${e.hint}`, "");
    if (e.status === "graded") {
      const show = (suite: "public" | "hidden") => {
        for (const t of e.tests.filter((x) => x.suite === suite)) {
          const mark = t.status === "passed" ? "✓" : t.status === "partial" ? "◐" : "✗";
          out.push(
            `- ${mark} ${t.name} (${num(t.score)}/${num(t.maxScore)})${t.status === "passed" ? "" : ` — ${t.message}`}`,
          ); // fixed phrases (./score), never student text
        }
      };
      out.push("Public checks (the ones you can run in the notebook with `check(...)`):", "");
      show("public");
      out.push("", "Hidden tests (other inputs; only their names are shown):", "");
      show("hidden");
      out.push("");
    }
  }
  return out.join("\n");
}

/** How often each known mistake was recognised, most common first. */
export function mistakeCounts(results: SubmissionResult[]) {
  const counts = new Map<string, { exercise: string; id: string; description: string; count: number; of: number }>();
  const attempted = (id: string) =>
    results.filter((r) => r.exercises.some((e) => e.id === id && e.status === "graded")).length;
  for (const r of results)
    for (const e of r.exercises) {
      if (!e.mistakeId) continue;
      const key = `${e.id}/${e.mistakeId}`;
      const c = counts.get(key) ?? {
        exercise: e.id,
        id: e.mistakeId,
        description: e.mistakeDescription ?? e.mistakeId,
        count: 0,
        of: attempted(e.id),
      };
      c.count++;
      counts.set(key, c);
    }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.exercise.localeCompare(b.exercise));
}

/** Scores of one exercise in `bins` equal bins over [0, max]. */
function histogram(values: number[], max: number, bins: number): number[] {
  const h = new Array(bins).fill(0);
  for (const v of values) h[Math.min(bins - 1, Math.max(0, Math.floor((v / (max || 1)) * bins - 1e-9)))] += 1;
  return h;
}

/** A small bar chart as inline SVG (no scripts, no external resources). */
function barSvg(labels: string[], values: number[], title: string, width = 360, height = 180): string {
  const max = Math.max(1, ...values),
    n = values.length,
    left = 30,
    bottom = 36,
    top = 24;
  const bw = (width - left - 10) / n;
  const bars = values.map((v, i) => {
    const h = ((height - top - bottom) * v) / max,
      x = left + i * bw,
      y = height - bottom - h;
    return (
      `<rect x="${x + 2}" y="${y}" width="${bw - 4}" height="${h}" fill="#1f77b4"><title>${esc(labels[i])}: ${v}</title></rect>` +
      `<text x="${x + bw / 2}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${esc(labels[i])}</text>` +
      (v ? `<text x="${x + bw / 2}" y="${y - 3}" font-size="10" text-anchor="middle">${v}</text>` : "")
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img"><title>${esc(title)}</title>` +
    `<text x="${width / 2}" y="14" font-size="12" text-anchor="middle" font-weight="bold">${esc(title)}</text>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#333"/>${bars.join("")}` +
    `<text x="${width / 2}" y="${height - 6}" font-size="10" text-anchor="middle">points</text></svg>`
  );
}

export interface BatchInfo {
  exerciseIds: string[];
  /** The lessons graded, in order, with their exercises (exports give one column per lesson). */
  lessons: { stem: string; exerciseIds: string[] }[];
  jailWarning?: string;
  /** Everything in the input that is not graded, with why. */
  skipped: { file: string; reason: string }[];
  graderErrors: string[];
  /** Every notebook found, with its status. */
  notebooks: NotebookEntry[];
  /** Per student: how the id was read, and the LMS ids found (exports use them). */
  identities: Record<string, { rule: string; lms?: string; lmsId?: string; email?: string; late?: boolean }>;
  /** Per student: the file name of their reports (outputNames). */
  outputNames: Record<string, string>;
  seconds: number;
}

function distribution(results: SubmissionResult[], id: string) {
  const max = results[0]?.exercises.find((e) => e.id === id)?.maxScore ?? exercises[id].points;
  const scores = results.map((r) => r.exercises.find((e) => e.id === id)?.score ?? 0);
  const bins = Math.min(8, Math.max(2, Math.round(max * 2)));
  const labels = Array.from({ length: bins }, (_, i) => `${num((max * i) / bins)}–${num((max * (i + 1)) / bins)}`);
  return {
    max,
    scores,
    counts: histogram(scores, max, bins),
    labels,
    mean: scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length),
  };
}

/** What a TA should look at by hand, one line each (CLI, summary.md, summary.html). Student text is raw: escape it. */
export function needsLook(results: SubmissionResult[], info: BatchInfo): string[] {
  const out: string[] = [];
  for (const r of results)
    if (r.graderError)
      out.push(
        `${r.student}: GRADER ERROR, not graded (regrade after fixing the grader): ${r.graderError.split("\n")[0]}`,
      );
  for (const r of results) {
    const mine = info.notebooks.filter((n) => n.student === r.student);
    if (!r.graderError && mine.length && mine.every((n) => n.status === "unreadable"))
      out.push(
        `${r.student}: nothing readable was handed in (${mine.map((n) => `${path.basename(n.file)}: ${n.reason}`).join("; ")})`,
      );
    const dups = mine.filter((n) => n.status === "duplicate");
    if (dups.length)
      out.push(
        `${r.student}: ${dups.length + 1} notebooks for one lesson; graded ${path.basename(dups[0].duplicateOf ?? "")} (${dups[0].reason}), not ${dups.map((d) => path.basename(d.file)).join(", ")}`,
      );
    const id = info.identities[r.student];
    if (id?.late)
      out.push(
        `${r.student}: ${id.lms ? "marked late by the LMS" : "saved after the deadline (npm run collect --deadline)"}`,
      );
  }
  for (const n of info.notebooks)
    if (n.status === "not a lesson") out.push(`${n.file}: not a lesson notebook, not graded`);
  return out;
}

function counts(info: BatchInfo) {
  const by = (s: NotebookEntry["status"]) => info.notebooks.filter((n) => n.status === s).length;
  return `${info.notebooks.length} notebooks: ${by("graded")} graded, ${by("duplicate")} duplicates not graded, ${by("unreadable")} unreadable, ${by("grader error")} grader errors, ${by("not a lesson")} not lesson notebooks; ${info.skipped.filter((s) => !info.notebooks.some((n) => n.file === s.file)).length} other files skipped`;
}

const pointsOf = (r: SubmissionResult) => (r.graderError ? "—" : `${num(r.score)} / ${num(r.maxScore)}`);
const feedbackPath = (r: SubmissionResult, info: BatchInfo) =>
  `feedback/${info.outputNames[r.student] ?? fileSafe(r.student)}.md`;

export function summaryMarkdown(results: SubmissionResult[], info: BatchInfo): string {
  const graded = results.filter((r) => !r.graderError);
  const out = ["# Grading summary", ""];
  if (info.jailWarning) out.push(`> **WARNING: ${mdText(info.jailWarning)}**`, "");
  for (const e of info.graderErrors) out.push(`> **Grader error:** ${mdText(e)}`, "");
  out.push(`${results.length} students; ${counts(info)}. Graded in ${info.seconds.toFixed(1)} s.`, "");
  const look = needsLook(results, info);
  out.push("## Needs a human look", "", ...(look.length ? look.map((l) => `- ${mdText(l)}`) : ["Nothing."]), "");
  out.push("## Students", "", "| student | status | points | feedback |", "|---|---|---|---|");
  for (const r of results)
    out.push(
      `| ${mdText(r.student)} | ${mdText(statusOf(r, info))} | ${pointsOf(r)} | [${mdText(feedbackPath(r, info))}](<${feedbackPath(r, info)}>) |`,
    );
  out.push("", "## Exercises", "", "| exercise | mean | max | full marks | zero |", "|---|---|---|---|---|");
  for (const id of info.exerciseIds) {
    const d = distribution(graded, id);
    out.push(
      `| ${id} | ${num(d.mean)} | ${num(d.max)} | ${d.scores.filter((s) => s >= d.max - 1e-9).length} | ${d.scores.filter((s) => s === 0).length} |`,
    );
  }
  out.push("", "## Most common mistakes", "");
  const m = mistakeCounts(graded);
  if (!m.length) out.push("No known mistake was recognised.");
  for (const c of m)
    out.push(
      `- ${Math.round((100 * c.count) / Math.max(1, c.of))}% (${c.count} of ${c.of}) — ${c.exercise}: ${c.description}`,
    );
  const notImpl = info.exerciseIds
    .map(
      (id) =>
        [
          id,
          graded.filter((r) => r.exercises.some((e) => e.id === id && e.status === "not-implemented")).length,
        ] as const,
    )
    .filter(([, n]) => n > 0);
  if (notImpl.length) out.push("", `Not implemented yet: ${notImpl.map(([id, n]) => `${id} ${n}`).join(", ")}.`);
  out.push("", "## Every notebook", "", "| notebook | student (how) | lesson | status |", "|---|---|---|---|");
  for (const n of info.notebooks)
    out.push(
      `| ${mdText(n.file)} | ${mdText(n.student)} (${mdText(n.rule)}) | ${mdText(n.lesson ?? "?")} | ${mdText(noteOf(n))} |`,
    );
  if (info.skipped.length)
    out.push("", "## Not graded", "", ...info.skipped.map((s) => `- ${mdText(s.file)}: ${mdText(s.reason)}`));
  return out.join("\n") + "\n";
}

const noteOf = (n: NotebookEntry) =>
  n.status === "duplicate"
    ? `not graded: ${n.duplicateOf} was graded instead (${n.reason})`
    : (n.reason ? `${n.status}: ${n.reason}` : n.status) + (n.late ? " (late)" : "");

export function summaryHtml(results: SubmissionResult[], info: BatchInfo): string {
  const graded = results.filter((r) => !r.graderError);
  const charts = info.exerciseIds.map((id) => {
    const d = distribution(graded, id);
    return barSvg(d.labels, d.counts, `${id}: students per score (max ${num(d.max)})`);
  });
  const m = mistakeCounts(graded).slice(0, 10);
  const rows = m.map((c) => {
    const pct = Math.round((100 * c.count) / Math.max(1, c.of));
    return `<tr><td>${esc(c.exercise)}</td><td>${esc(c.description)}</td><td>${c.count} of ${c.of}</td><td><div style="background:#d62728;height:10px;width:${pct * 2}px"></div> ${pct}%</td></tr>`;
  });
  const look = needsLook(results, info);
  const students = results.map(
    (r) =>
      `<tr${r.graderError ? ' class="err"' : ""}><td>${esc(r.student)}</td><td>${esc(statusOf(r, info))}</td><td>${pointsOf(r)}</td>${info.exerciseIds.map((id) => `<td>${r.graderError ? "—" : num(r.exercises.find((e) => e.id === id)?.score ?? 0)}</td>`).join("")}<td><a href="${esc(encodeURI(feedbackPath(r, info)))}">feedback</a></td></tr>`,
  );
  const notebooks = info.notebooks.map(
    (n) =>
      `<tr><td>${esc(n.file)}</td><td>${esc(n.student)}</td><td>${esc(n.rule)}</td><td>${esc(n.lesson ?? "?")}</td><td>${esc(noteOf(n))}</td></tr>`,
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>Grading summary</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}.warn{background:#fef2f2;border-left:4px solid #991b1b;padding:8px}tr.err td{background:#fef2f2}</style></head><body>
<h1>Grading summary</h1>
${info.jailWarning ? `<p class="warn"><b>WARNING:</b> ${esc(info.jailWarning)}</p>` : ""}${info.graderErrors.map((e) => `<p class="warn"><b>Grader error:</b> ${esc(e)}</p>`).join("")}
<p>${results.length} students; ${esc(counts(info))}. ${info.exerciseIds.length} exercises.</p>
<h2>Needs a human look</h2>
${look.length ? `<ul>${look.map((l) => `<li>${esc(l)}</li>`).join("\n")}</ul>` : "<p>Nothing.</p>"}
<h2>Students</h2>
<table><tr><th>student</th><th>status</th><th>points</th>${info.exerciseIds.map((id) => `<th>${esc(id)}</th>`).join("")}<th></th></tr>
${students.join("\n")}</table>
<h2>Score distribution per exercise</h2>
<div style="display:flex;flex-wrap:wrap;gap:12px">${charts.join("\n")}</div>
<h2>Most common mistakes</h2>
${rows.length ? `<table><tr><th>exercise</th><th>mistake</th><th>students</th><th>share of those graded</th></tr>${rows.join("\n")}</table>` : "<p>No known mistake was recognised.</p>"}
<h2>Every notebook</h2>
<table><tr><th>notebook</th><th>student</th><th>how the student was read</th><th>lesson</th><th>status</th></tr>
${notebooks.join("\n")}</table>
${info.skipped.length ? `<h2>Not graded</h2><ul>${info.skipped.map((s) => `<li>${esc(s.file)}: ${esc(s.reason)}</li>`).join("\n")}</ul>` : ""}
</body></html>
`;
}

/** Writes every report and export. */
export function writeReports(outDir: string, results: SubmissionResult[], info: BatchInfo): void {
  writeAtomic(path.join(outDir, "gradebook.csv"), gradebookCsv(results, info));
  const students = results.map((r) => ({
    ...r,
    status: statusOf(r, info),
    outputName: info.outputNames[r.student] ?? fileSafe(r.student),
    identity: info.identities[r.student] ?? null,
  }));
  writeAtomic(
    path.join(outDir, "results.json"),
    JSON.stringify(
      {
        exercises: info.exerciseIds,
        manifest: MANIFEST.filter((t) => info.exerciseIds.includes(t.exercise)),
        jailWarning: info.jailWarning ?? null,
        graderErrors: info.graderErrors,
        notebooks: info.notebooks,
        skipped: info.skipped,
        students,
      },
      null,
      2,
    ) + "\n",
  );
  for (const r of results)
    writeAtomic(
      path.join(outDir, "feedback", `${info.outputNames[r.student] ?? fileSafe(r.student)}.md`),
      feedbackMarkdown(r),
    );
  writeAtomic(path.join(outDir, "summary.md"), summaryMarkdown(results, info));
  writeAtomic(path.join(outDir, "summary.html"), summaryHtml(results, info));
}

export type { ExerciseResult };
