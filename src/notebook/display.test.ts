import { afterEach, describe, expect, it } from "vitest";
import { displayBundle, inNotebook, progressDisplay, renderMath, setDisplaySink, showMath, showPlot, type MimeBundle } from "./display";

const captured: { bundle: MimeBundle; id?: string; update: boolean }[] = [];
const capture = () => setDisplaySink((bundle, o) => void captured.push({ bundle, ...o }));

afterEach(() => {
  setDisplaySink(undefined);
  captured.length = 0;
});

describe("notebook display adapter", () => {
  it("does nothing, and does not throw, outside a notebook", () => {
    expect(inNotebook()).toBe(false);
    expect(() => displayBundle({ "text/plain": "x" })).not.toThrow();
    expect(() => showMath("x^2")).not.toThrow();
  });

  it("typesets math with KaTeX as HTML and MathML, and rejects bad TeX", () => {
    const html = renderMath("\\mathrm{KL} = \\tfrac{1}{2}(\\mu^2 + \\sigma^2 - \\log\\sigma^2 - 1)");
    expect(html).toContain('class="katex"');
    expect(html).toContain("<math");
    expect(() => renderMath("\\frac{1}{")).toThrow();
  });

  it("sends KaTeX's CSS, with fonts inlined, only with the first equation", () => {
    capture();
    showMath("a");
    showMath("b");
    expect(captured[0].bundle["text/html"]).toContain("<style>");
    expect(captured[0].bundle["text/html"]).toContain("data:font/woff2;base64,");
    expect(captured[1].bundle["text/html"]).not.toContain("<style>");
  });

  it("sends plotly.js with the first figure only, and an SVG fallback with every figure", () => {
    capture();
    const fig = { data: [{ x: [1, 2], y: [3, 4] }], layout: { title: "t" } };
    showPlot(fig);
    showPlot(fig);
    const [a, b] = captured.map((c) => c.bundle);
    expect(a["text/html"].length).toBeGreaterThan(3_000_000); // plotly.js, minified, inline once
    expect(a["text/html"].length).toBeLessThan(6_000_000);
    expect(b["text/html"].length).toBeLessThan(20_000);
    for (const x of [a, b]) {
      expect(x["image/svg+xml"]).toMatch(/^<svg/);
      expect(x["text/html"]).toContain("<svg"); // shown inside the div until Plotly draws
      expect(x["text/plain"]).toBe("[figure: t]");
    }
  });

  it("updates one progress output in place and does not claim 100% when stopped early", () => {
    capture();
    const p = progressDisplay(10, "training");
    p.update(3, "loss 0.5");
    p.finish("stopped");
    expect(captured.map((c) => c.update)).toEqual([false, true]);
    expect(new Set(captured.map((c) => c.id)).size).toBe(1);
    expect(captured[1].bundle["text/plain"]).toContain("3/10 steps (30%)");
    expect(captured[1].bundle["text/plain"]).toContain("stopped");
  });
});
