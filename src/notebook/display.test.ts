import { afterEach, describe, expect, it, vi } from "vitest";
import {
  displayBundle,
  inNotebook,
  progressDisplay,
  renderMath,
  setDisplaySink,
  showMath,
  showPlot,
  type MimeBundle,
} from "./display";

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

  it("rejects bad TeX", () => {
    expect(() => renderMath("\\frac{1}{")).toThrow();
    expect(() => showMath("\\frac{1}{")).toThrow();
  });

  it("makes every formula output self-contained: MathML shown, the TeX for MathJax hidden, no stylesheet or font", () => {
    capture();
    showMath("\\mathcal{L} = 1");
    showMath("\\mathcal{L} = 2");
    for (const [i, { bundle }] of captured.entries()) {
      expect(bundle["text/html"]).toContain("<math");
      expect(bundle["text/html"]).toContain(`<span class="vae-lab-tex">$$\\mathcal{L} = ${i + 1}$$</span>`);
      expect(bundle["text/html"]).toMatch(/class="vae-lab-mathml[^"]*" hidden>/); // stays hidden where styles are stripped
      expect(bundle["text/html"]).not.toContain("@font-face");
      expect(bundle["text/html"].length).toBeLessThan(2_000);
      expect(bundle["text/latex"]).toBe(`$$\\mathcal{L} = ${i + 1}$$`);
    }
  });

  it("stores every figure once, as a static picture plus its spec, with no plotly.js in any output", () => {
    capture();
    const fig = { data: [{ x: [1, 2], y: [3, 4] }], layout: { title: "t" } };
    showPlot(fig);
    showPlot(fig);
    for (const { bundle } of captured) {
      expect(Object.keys(bundle).sort()).toEqual(["text/html", "text/plain"]);
      expect(bundle["text/html"]).toContain('<img class="vae-lab-static" src="data:image/svg+xml,');
      expect(bundle["text/html"]).not.toContain("<svg"); // inline SVG is stripped by sanitizers
      expect(bundle["text/html"]).toContain("nbextensions/vae-lab/plotly.min");
      expect(bundle["text/html"].length).toBeLessThan(20_000);
      expect(bundle["text/plain"]).toBe("[figure: t]");
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

  it("gives the speed of a slow loop as seconds per unit (a conv epoch), of a fast one as units per second", () => {
    let now = 0;
    const clock = vi.spyOn(performance, "now").mockImplementation(() => now);
    try {
      capture();
      const slow = progressDisplay(10, "conv", "epoch");
      now = 50_000; // 2 epochs in 50 s
      slow.update(2);
      expect(captured.at(-1)!.bundle["text/plain"]).toContain("2/10 epochs (20%), 25.0 s/epoch, ETA 200.0 s");
      expect(captured.at(-1)!.bundle["text/html"]).toContain("25.0 s/epoch");
      const fast = progressDisplay(100, "mlp", "step");
      now += 2_000; // 40 steps in 2 s
      fast.update(40);
      expect(captured.at(-1)!.bundle["text/plain"]).toContain("40/100 steps (40%), 20.0 step/s");
    } finally {
      clock.mockRestore();
    }
  });
});
