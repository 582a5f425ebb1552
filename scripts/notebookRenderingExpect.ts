/** The test-side judgement of scripts/notebookRendering.ts's reports (kept apart: that module runs outside vitest too). */
import { expect } from "vitest";
import type { ViewReport } from "./notebookRendering";

/** Every figure drawn (live where scripts and plotly.js can run, else its picture), every formula typeset, no raw TeX. */
export function expectAllRendered(reports: ViewReport[], options: { slider?: boolean } = {}): void {
  for (const r of reports) {
    const where = `${r.view} view (${r.screenshots[0]})`;
    expect(r.figures.expected, `${where}: the notebook has figures`).toBeGreaterThan(0);
    if (r.view === "trusted") {
      expect(r.figures.live, `${where}: every figure drawn by plotly.js`).toBe(r.figures.expected);
      if (options.slider) expect(r.figures.sliders, `${where}: the snapshot slider`).toBe(1);
    } else {
      expect(r.figures.static, `${where}: every figure's static picture shown`).toBe(r.figures.expected);
    }
    expect(r.math.typeset, `${where}: every formula output typeset`).toBe(r.math.expected);
    expect(r.math.raw, `${where}: no raw TeX or MathML text`).toEqual([]);
    expect(r.markdownMath.typeset, `${where}: the markdown cells' formulas typeset by MathJax`).toBeGreaterThanOrEqual(
      r.markdownMath.expected,
    );
    expect(r.pageErrors, where).toEqual([]);
  }
}
