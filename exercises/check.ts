/**
 * check(id, fn): runs an exercise's public checks on the learner's function and, when one fails,
 * names the known mistake it matches. Never throws and never prints: a learner's function that
 * throws (the student stub's "not implemented yet"), returns garbage or leaks tensors still gets a
 * clear result. `formatCheckResult` renders it; the notebook adapter (./notebook.ts) shows it.
 */
import { escapeHtml } from "../src/html";
import { exercises } from "./index";
import { errorMessage, judge, observe } from "./observe";
import type { CheckResult } from "./types";

export type { CheckOutcome, CheckResult } from "./types";

const HIDDEN =
  "These are the public checks: the grader runs further hidden checks, so keep your code right in general, not just for these inputs.";

/** Runs `fn` through the public checks of exercise `id`. */
export function check(id: string, fn: unknown): CheckResult {
  const ex = exercises[id];
  const fail = (summary: string): CheckResult => ({ id, passed: false, notImplemented: false, checks: [], summary });
  if (!ex) return fail(`There is no exercise "${id}". Known: ${Object.keys(exercises).join(", ")}.`);
  if (typeof fn !== "function")
    return fail(
      `check("${id}", …) needs the function ${ex.functionName} itself, but got ${fn === undefined ? "undefined" : typeof fn}.`,
    );
  try {
    return judge(ex, observe(ex, fn));
  } catch (err) {
    return fail(`The checks themselves failed (${errorMessage(err)}): a bug in vae-lab, please report it.`);
  }
}

/** The result as plain text (terminal, text/plain) and HTML (notebook). */
export function formatCheckResult(r: CheckResult): { text: string; html: string } {
  const lines = [r.summary];
  const items: string[] = [];
  if (r.notImplemented) {
    const thrown = r.checks[0]?.message;
    if (thrown) lines.push(`  (${thrown})`);
  } else {
    for (const c of r.checks) {
      lines.push(`  ${c.passed ? "✓" : "✗"} ${c.name}${c.passed ? "" : `: ${c.message}`}`);
      const why = c.passed ? "" : `<div style="color:#7f1d1d;margin-left:1.3em">${escapeHtml(c.message)}</div>`;
      items.push(`<li>${c.passed ? "✓" : "✗"} ${escapeHtml(c.name)}${why}</li>`);
    }
  }
  if (r.hint) lines.push(`Hint: ${r.hint}`);
  const footer = r.checks.length > 0 && !r.notImplemented ? HIDDEN : "";
  if (footer) lines.push(footer);

  const [colour, background] = r.passed
    ? ["#166534", "#f0fdf4"]
    : r.notImplemented
      ? ["#92400e", "#fffbeb"]
      : ["#991b1b", "#fef2f2"];
  const html =
    `<div style="border-left:4px solid ${colour};background:${background};padding:8px 12px;font-family:sans-serif;font-size:14px;line-height:1.4">` +
    `<div style="color:${colour};font-weight:bold">${escapeHtml(r.summary)}</div>` +
    (r.notImplemented && r.checks[0] ? `<div style="color:#78350f">${escapeHtml(r.checks[0].message)}</div>` : "") +
    (items.length ? `<ul style="margin:6px 0;padding-left:4px;list-style:none">${items.join("")}</ul>` : "") +
    (r.hint ? `<div><b>Hint:</b> ${escapeHtml(r.hint)}</div>` : "") +
    (footer ? `<div style="color:#555;font-size:12px;margin-top:6px">${escapeHtml(footer)}</div>` : "") +
    `</div>`;
  return { text: lines.join("\n"), html };
}
