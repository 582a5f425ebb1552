/**
 * The notebook side of the exercises: `check("reparameterize", reparameterize)` in a lesson shows a
 * clear pass, or what is wrong and the hint for the mistake it matches. The package's entry
 * (../index.ts) adds it to the library's API, so notebooks get it from "vae-lab" while src/ knows
 * nothing of the exercises.
 */
import { recordCellRuns, staleDefinition } from "../src/notebook/cellHistory";
import { displayBundle, escapeHtml, inNotebook } from "../src/notebook/display";
import { check as runCheck, formatCheckResult, type CheckResult } from "./check";
import { exercises } from "./index";

// From the moment a notebook imports vae-lab: which cells ran, so check() can spot a stale function.
recordCellRuns();

/**
 * Runs the exercise's public checks on `fn` and shows the result. Returns nothing: tslab prints a
 * cell's last value, and the result object would be noise under the formatted one.
 */
export function check(id: string, fn: unknown): void {
  const stale = staleDefinition(exercises[id]?.functionName ?? id);
  if (stale) {
    if (inNotebook())
      displayBundle({ "text/html": `<div style="color:#7f1d1d">${escapeHtml(stale)}</div>`, "text/plain": stale });
    return;
  }
  const result = runCheck(id, fn);
  const { text, html } = formatCheckResult(result);
  if (inNotebook()) displayBundle({ "text/html": html, "text/plain": text });
}

export type { CheckResult };
