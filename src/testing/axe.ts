/**
 * Accessibility checks for pages in real Chromium: axe-core (the engine behind most WCAG checkers)
 * injected with playwright-core, against WCAG 2.1 A and AA, plus the two things axe cannot judge
 * for us: a text alternative on every figure, and keyboard access to every control.
 */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's serious and critical WCAG 2.1 A/AA violations on what `page` shows now (hidden parts are not checked). */
export async function seriousAxeViolations(page: Page, context = "body"): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (ctx) => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            c: string,
            o: unknown,
          ): Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(ctx, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  }, context);
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Visible figures (svg, canvas, img) inside `context` that have no text alternative (alt, aria-label, aria-labelledby, <title>), unless decorative (aria-hidden). */
export function figuresWithoutText(page: Page, context = "body"): Promise<string[]> {
  return page.evaluate((ctx) => {
    const root = document.querySelector(ctx)!;
    const visible = (e: Element) =>
      (e as HTMLElement).getClientRects().length > 0 && getComputedStyle(e).visibility !== "hidden";
    const hiddenFromAt = (e: Element | null): boolean =>
      !!e && (e.getAttribute("aria-hidden") === "true" || hiddenFromAt(e.parentElement));
    const named = (e: Element) =>
      !!(
        e.getAttribute("aria-label")?.trim() ||
        e.getAttribute("alt")?.trim() ||
        (e.getAttribute("aria-labelledby") &&
          document.getElementById(e.getAttribute("aria-labelledby")!)?.textContent?.trim()) ||
        (e.tagName.toLowerCase() === "svg" && e.querySelector(":scope > title")?.textContent?.trim())
      );
    // An svg inside a labelled figure (role=img) is covered by its parent's label.
    const inLabelledImg = (e: Element) => {
      const p = e.parentElement?.closest('[role="img"]');
      return !!p && named(p);
    };
    return Array.from(root.querySelectorAll("svg, canvas, img"))
      .filter(
        (e) => visible(e) && !hiddenFromAt(e) && !e.parentElement?.closest("svg") && !named(e) && !inLabelledImg(e),
      )
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}${e.getAttribute("data-role") ? `[data-role=${e.getAttribute("data-role")}]` : ""} in ${e.closest("[data-role],[data-view-panel],section")?.getAttribute("data-role") ?? e.closest("[data-view-panel]")?.getAttribute("data-view-panel") ?? "?"}`,
      );
  }, context);
}

/** Interactive elements in `context` that are not reachable with Tab (not natively focusable and no tabindex ≥ 0). */
export function controlsOffKeyboard(page: Page, context = "body"): Promise<string[]> {
  return page.evaluate((ctx) => {
    const root = document.querySelector(ctx)!;
    const candidates = Array.from(
      root.querySelectorAll(
        "[onclick], [data-action], [data-experiment], [data-view-tab], [role=button], [role=slider], [role=tab], button, input, select, a[href]",
      ),
    );
    return candidates
      .filter((e) => (e as HTMLElement).getClientRects().length > 0)
      .filter((e) => {
        const el = e as HTMLElement;
        const native =
          ["BUTTON", "INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) ||
          (el.tagName === "A" && el.hasAttribute("href"));
        // A tab with tabindex -1 is reachable by arrow keys when its tablist's selected tab is on the Tab order (WAI-ARIA tabs).
        if (el.getAttribute("role") === "tab" && el.tabIndex < 0) {
          const selected = el
            .closest("[role=tablist]")
            ?.querySelector('[role=tab][aria-selected="true"]') as HTMLElement | null;
          return !selected || selected.tabIndex < 0;
        }
        return (
          (native && (el as HTMLButtonElement).disabled !== true && el.tabIndex < 0) || (!native && el.tabIndex < 0)
        );
      })
      .map((e) => e.outerHTML.slice(0, 80));
  }, context);
}
