/**
 * check(id, fn): runs an exercise's public checks on the learner's function and, when one fails,
 * looks for the known mistake it matches so the hint can name it. Never throws: a learner's function
 * that throws (the student stub's "not implemented yet"), returns garbage or leaks tensors still gets
 * a clear result.
 */
import { defaultRng, restoreRng, setSeed } from "../src/random";
import { exercises } from "./index";
import type { CheckOutcome, Exercise } from "./types";
import { CheckFailure } from "./util";

export interface CheckResult {
  id: string;
  passed: boolean;
  checks: CheckOutcome[];
  /** The targeted hint of the known mistake the function matches, if any. */
  hint?: string;
  mistakeId?: string;
  notImplemented: boolean;
  summary: string;
}

const NOT_IMPLEMENTED = /not implemented yet/i;

function messageOf(err: unknown): string {
  if (err instanceof CheckFailure) return err.message;
  if (err instanceof Error) return `it threw ${err.name}: ${err.message.split("\n")[0]}`;
  return `it threw a non-Error value: ${String(err).slice(0, 120)}`;
}

/** Runs `fn` through the exercise `id`'s public checks. */
export function check(id: string, fn: unknown): CheckResult {
  const ex = exercises[id] as Exercise<unknown> | undefined;
  if (!ex) return { id, passed: false, checks: [], notImplemented: false, summary: `There is no exercise "${id}". Known: ${Object.keys(exercises).join(", ")}.` };
  if (typeof fn !== "function") {
    return { id, passed: false, checks: [], notImplemented: false, summary: `check("${id}", …) needs the function ${ex.functionName} itself, but got ${fn === undefined ? "undefined" : typeof fn}.` };
  }
  // Checks draw their own randomness; keep the notebook's stream where it was.
  const saved = defaultRng();
  const outcomes: CheckOutcome[] = [];
  let notImplemented = false;
  try {
    setSeed(12345);
    for (const c of ex.checks) {
      let message: string | undefined;
      try {
        message = c.run(fn);
      } catch (err) {
        message = messageOf(err);
        if (err instanceof Error && NOT_IMPLEMENTED.test(err.message)) notImplemented = true;
      }
      outcomes.push({ name: c.name, passed: message === undefined, message: message ?? "" });
      if (notImplemented) break;
    }
    const passed = outcomes.every((o) => o.passed) && !notImplemented;
    let hint: string | undefined, mistakeId: string | undefined;
    if (!passed && !notImplemented) {
      for (const m of ex.mistakes) {
        let hit = false;
        try {
          setSeed(777);
          hit = m.detect(fn as never);
        } catch {
          hit = false;
        }
        if (hit) {
          hint = m.hint;
          mistakeId = m.id;
          break;
        }
      }
    }
    const failed = outcomes.filter((o) => !o.passed).length;
    const summary = notImplemented
      ? `${ex.functionName} is not implemented yet: replace the TODO with your code, run that cell, then this one.`
      : passed
        ? `✓ ${ex.functionName} passes all ${outcomes.length} checks. The grader runs further hidden checks.`
        : `✗ ${ex.functionName} fails ${failed} of ${outcomes.length} checks.`;
    return { id, passed, checks: outcomes, hint, mistakeId, notImplemented, summary };
  } finally {
    // Restore the notebook's own stream object (not a re-seeded copy), so its position is kept.
    restoreRng(saved);
  }
}

/** The result as text (terminal) and HTML (notebook). */
export function formatCheckResult(r: CheckResult): { text: string; html: string } {
  const lines = [r.summary];
  for (const c of r.checks) lines.push(`  ${c.passed ? "✓" : "✗"} ${c.name}${c.passed ? "" : ` — ${c.message}`}`);
  if (r.hint) lines.push(`Hint: ${r.hint}`);
  const esc = (s: string) => s.replace(/[&<>]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[ch]!);
  const colour = r.passed ? "#166534" : r.notImplemented ? "#92400e" : "#991b1b";
  const bg = r.passed ? "#f0fdf4" : r.notImplemented ? "#fffbeb" : "#fef2f2";
  const items = r.checks.map((c) => `<li>${c.passed ? "✓" : "✗"} ${esc(c.name)}${c.passed ? "" : `<br><span style="color:#7f1d1d">${esc(c.message)}</span>`}</li>`).join("");
  const html = `<div style="border-left:4px solid ${colour};background:${bg};padding:8px 12px;font-family:sans-serif;font-size:14px">
<div style="color:${colour};font-weight:bold">${esc(r.summary)}</div>${items ? `<ul style="margin:6px 0;padding-left:18px;list-style:none">${items}</ul>` : ""}${r.hint ? `<div><b>Hint:</b> ${esc(r.hint)}</div>` : ""}</div>`;
  return { text: lines.join("\n"), html };
}
