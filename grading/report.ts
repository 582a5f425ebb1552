/**
 * Reports, all written atomically (temp file + rename), so an interrupted run never leaves a half
 * file and a re-run replaces each one whole:
 *   gradebook.csv                  student, one column per exercise, total, max
 *   results.json                   everything (instructors; includes the checks' own messages)
 *   gradescope/<student>/results.json   Gradescope's format (learner-safe text only)
 *   feedback/<student>.md          friendly per-exercise feedback with hints (learner-safe)
 *   summary.md, summary.html       the class: score distribution per exercise, most common mistakes
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { exercises } from "../exercises/index";
import { MANIFEST } from "./manifest";
import type { ExerciseResult, SubmissionResult } from "./types";

export function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** A student id safe as a file name: letters, digits, . _ - only. */
export function fileSafe(student: string): string {
  const s = student.normalize("NFKC").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_").slice(0, 100);
  return s || "_";
}

const csvCell = (v: string | number) => {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // spreadsheet formula injection
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const num = (n: number) => String(Math.round(n * 1000) / 1000);

export function gradebookCsv(results: SubmissionResult[], exerciseIds: string[]): string {
  const rows = [["student", ...exerciseIds, "total", "max"].map(csvCell).join(",")];
  for (const r of results) {
    const by = new Map(r.exercises.map((e) => [e.id, e]));
    rows.push([r.student, ...exerciseIds.map((id) => num(by.get(id)?.score ?? 0)), num(r.score), num(r.maxScore)].map(csvCell).join(","));
  }
  return rows.join("\n") + "\n";
}

/** Gradescope's results.json for one submission (https://gradescope-autograders.readthedocs.io/en/latest/specs/). */
export function gradescopeResults(r: SubmissionResult): object {
  const tests = r.exercises.flatMap((e) =>
    e.tests.map((t) => ({
      name: `${e.functionName}: ${t.name}`,
      number: t.id,
      score: t.score,
      max_score: t.maxScore,
      status: t.status === "passed" ? "passed" : "failed",
      visibility: t.visibility,
      output: t.status === "passed" ? "passed" : t.status === "partial" ? `partly right: ${t.message}` : t.message,
      tags: [e.id, t.category],
    })),
  );
  const output = [
    ...r.notes,
    ...r.exercises.flatMap((e) => [e.summary, ...e.notes, ...(e.hint ? [`Hint: ${e.hint}`] : [])]),
    ...(r.jail.warning ? [`Note: ${r.jail.warning}`] : []),
  ].join("\n");
  return { score: r.score, output, stdout_visibility: "hidden", tests };
}

export function feedbackMarkdown(r: SubmissionResult): string {
  const out = [`# Feedback for ${r.student}`, "", `**Total: ${num(r.score)} of ${num(r.maxScore)} points.**`, ""];
  for (const n of r.notes) out.push(`> ${n}`, "");
  for (const e of r.exercises) {
    out.push(`## ${e.functionName} — ${num(e.score)} / ${num(e.maxScore)}`, "", e.summary, "");
    for (const n of e.notes) out.push(`- ⚠️ ${n}`);
    if (e.notes.length) out.push("");
    if (e.hint) out.push(`**Hint:** ${e.hint}`, "");
    if (e.status === "graded") {
      const show = (suite: "public" | "hidden") => {
        for (const t of e.tests.filter((x) => x.suite === suite)) {
          const mark = t.status === "passed" ? "✓" : t.status === "partial" ? "◐" : "✗";
          out.push(`- ${mark} ${t.name} (${num(t.score)}/${num(t.maxScore)})${t.status === "passed" ? "" : ` — ${t.message}`}`);
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
  const attempted = (id: string) => results.filter((r) => r.exercises.some((e) => e.id === id && e.status === "graded")).length;
  for (const r of results) for (const e of r.exercises) {
    if (!e.mistakeId) continue;
    const key = `${e.id}/${e.mistakeId}`;
    const c = counts.get(key) ?? { exercise: e.id, id: e.mistakeId, description: e.mistakeDescription ?? e.mistakeId, count: 0, of: attempted(e.id) };
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

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A small bar chart as inline SVG (no scripts, no external resources). */
function barSvg(labels: string[], values: number[], title: string, width = 360, height = 180): string {
  const max = Math.max(1, ...values), n = values.length, left = 30, bottom = 36, top = 24;
  const bw = (width - left - 10) / n;
  const bars = values.map((v, i) => {
    const h = ((height - top - bottom) * v) / max, x = left + i * bw, y = height - bottom - h;
    return `<rect x="${x + 2}" y="${y}" width="${bw - 4}" height="${h}" fill="#1f77b4"><title>${esc(labels[i])}: ${v}</title></rect>` +
      `<text x="${x + bw / 2}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${esc(labels[i])}</text>` +
      (v ? `<text x="${x + bw / 2}" y="${y - 3}" font-size="10" text-anchor="middle">${v}</text>` : "");
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img"><title>${esc(title)}</title>` +
    `<text x="${width / 2}" y="14" font-size="12" text-anchor="middle" font-weight="bold">${esc(title)}</text>` +
    `<line x1="${left}" y1="${height - bottom}" x2="${width - 10}" y2="${height - bottom}" stroke="#333"/>${bars.join("")}` +
    `<text x="${width / 2}" y="${height - 6}" font-size="10" text-anchor="middle">points</text></svg>`;
}

export interface BatchInfo {
  exerciseIds: string[];
  jailWarning?: string;
  skipped: { file: string; reason: string }[];
  graderErrors: string[];
  seconds: number;
}

function distribution(results: SubmissionResult[], id: string) {
  const max = results[0]?.exercises.find((e) => e.id === id)?.maxScore ?? exercises[id].points;
  const scores = results.map((r) => r.exercises.find((e) => e.id === id)?.score ?? 0);
  const bins = Math.min(8, Math.max(2, Math.round(max * 2)));
  const labels = Array.from({ length: bins }, (_, i) => `${num((max * i) / bins)}–${num((max * (i + 1)) / bins)}`);
  return { max, scores, counts: histogram(scores, max, bins), labels, mean: scores.reduce((s, v) => s + v, 0) / Math.max(1, scores.length) };
}

export function summaryMarkdown(results: SubmissionResult[], info: BatchInfo): string {
  const out = ["# Grading summary", ""];
  if (info.jailWarning) out.push(`> **WARNING: ${info.jailWarning}**`, "");
  for (const e of info.graderErrors) out.push(`> **Grader error:** ${e}`, "");
  out.push(`${results.length} submissions graded in ${info.seconds.toFixed(1)} s.`, "");
  out.push("| exercise | mean | max | full marks | zero |", "|---|---|---|---|---|");
  for (const id of info.exerciseIds) {
    const d = distribution(results, id);
    out.push(`| ${id} | ${num(d.mean)} | ${num(d.max)} | ${d.scores.filter((s) => s >= d.max - 1e-9).length} | ${d.scores.filter((s) => s === 0).length} |`);
  }
  out.push("", "## Most common mistakes", "");
  const m = mistakeCounts(results);
  if (!m.length) out.push("No known mistake was recognised.");
  for (const c of m) out.push(`- ${Math.round((100 * c.count) / Math.max(1, c.of))}% (${c.count} of ${c.of}) — ${c.exercise}: ${c.description}`);
  const notImpl = info.exerciseIds.map((id) => [id, results.filter((r) => r.exercises.some((e) => e.id === id && e.status === "not-implemented")).length] as const).filter(([, n]) => n > 0);
  if (notImpl.length) out.push("", `Not implemented yet: ${notImpl.map(([id, n]) => `${id} ${n}`).join(", ")}.`);
  if (info.skipped.length) out.push("", "## Skipped files", "", ...info.skipped.map((s) => `- ${s.file}: ${s.reason}`));
  return out.join("\n") + "\n";
}

export function summaryHtml(results: SubmissionResult[], info: BatchInfo): string {
  const charts = info.exerciseIds.map((id) => {
    const d = distribution(results, id);
    return barSvg(d.labels, d.counts, `${id}: students per score (max ${num(d.max)})`);
  });
  const m = mistakeCounts(results).slice(0, 10);
  const rows = m.map((c) => {
    const pct = Math.round((100 * c.count) / Math.max(1, c.of));
    return `<tr><td>${esc(c.exercise)}</td><td>${esc(c.description)}</td><td>${c.count} of ${c.of}</td><td><div style="background:#d62728;height:10px;width:${pct * 2}px"></div> ${pct}%</td></tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Grading summary</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}.warn{background:#fef2f2;border-left:4px solid #991b1b;padding:8px}</style></head><body>
<h1>Grading summary</h1>
${info.jailWarning ? `<p class="warn"><b>WARNING:</b> ${esc(info.jailWarning)}</p>` : ""}${info.graderErrors.map((e) => `<p class="warn"><b>Grader error:</b> ${esc(e)}</p>`).join("")}
<p>${results.length} submissions, ${info.exerciseIds.length} exercises.</p>
<h2>Score distribution per exercise</h2>
<div style="display:flex;flex-wrap:wrap;gap:12px">${charts.join("\n")}</div>
<h2>Most common mistakes</h2>
${rows.length ? `<table><tr><th>exercise</th><th>mistake</th><th>students</th><th>share of those graded</th></tr>${rows.join("\n")}</table>` : "<p>No known mistake was recognised.</p>"}
</body></html>
`;
}

export function writeReports(outDir: string, results: SubmissionResult[], info: BatchInfo): void {
  writeAtomic(path.join(outDir, "gradebook.csv"), gradebookCsv(results, info.exerciseIds));
  writeAtomic(path.join(outDir, "results.json"), JSON.stringify({ exercises: info.exerciseIds, manifest: MANIFEST.filter((t) => info.exerciseIds.includes(t.exercise)), jailWarning: info.jailWarning ?? null, graderErrors: info.graderErrors, skipped: info.skipped, students: results }, null, 2) + "\n");
  for (const r of results) {
    writeAtomic(path.join(outDir, "feedback", `${fileSafe(r.student)}.md`), feedbackMarkdown(r));
    writeAtomic(path.join(outDir, "gradescope", fileSafe(r.student), "results.json"), JSON.stringify(gradescopeResults(r), null, 2) + "\n");
  }
  writeAtomic(path.join(outDir, "summary.md"), summaryMarkdown(results, info));
  writeAtomic(path.join(outDir, "summary.html"), summaryHtml(results, info));
}

export type { ExerciseResult };
