/**
 * The notebook side of the exercises: `showCheck(check("reparameterize", reparameterize))` shows a
 * clear pass, or what is wrong and the hint for the mistake it matches. (The one place src/ reaches
 * into exercises/: it is the display edge of the checks, not part of the library core.)
 */
import { check as runCheck, formatCheckResult, type CheckResult } from "../../exercises/check";
import { displayBundle, inNotebook } from "./display";

/**
 * Runs the exercise's public checks on `fn` and shows the result. Returns nothing: tslab prints a
 * cell's last value, and the result object would be noise under the formatted one.
 */
export function check(id: string, fn: unknown): void {
  const result = runCheck(id, fn);
  const { text, html } = formatCheckResult(result);
  if (inNotebook()) displayBundle({ "text/html": html, "text/plain": text });
}

export type { CheckResult };
