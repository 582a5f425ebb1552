import { describe, expect, it } from "vitest";
import { curvesFigure, latentMapFigure, panel, tradeoffFigure } from "./experiments";
import { figureToSvg } from "./svg";

describe("experiment figures", () => {
  it("plots reconstruction and KL against latent dimension, KL on the right axis, sorted by L", () => {
    const fig = tradeoffFigure([
      { latentDim: 10, testRecon: 100, testKl: 25, trainRecon: 98 },
      { latentDim: 2, testRecon: 140, testKl: 6, trainRecon: 139 },
    ]);
    expect(fig.data.map((t) => t.name)).toEqual([
      "reconstruction (held-out)",
      "KL (held-out), right axis",
      "reconstruction (training)",
    ]);
    expect(Array.from(fig.data[0].x as number[])).toEqual([2, 10]);
    expect(Array.from(fig.data[1].y as number[])).toEqual([6, 25]);
    expect(fig.data[1].yaxis).toBe("y2");
    expect(fig.layout?.yaxis2).toMatchObject({ overlaying: "y", side: "right" });
    expect(figureToSvg(fig)).toContain("<polyline");
  });

  it("gives KL its own right-hand axis in the static fallback too", () => {
    const fig = tradeoffFigure([
      { latentDim: 2, testRecon: 140, testKl: 6 },
      { latentDim: 20, testRecon: 100, testKl: 25 },
    ]);
    const svg = figureToSvg(fig);
    const spans = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => {
      const ys = m[1].split(" ").map((p) => Number(p.split(",")[1]));
      return Math.max(...ys) - Math.min(...ys);
    });
    expect(spans).toHaveLength(2);
    expect(spans[1]).toBeGreaterThan(0.8 * spans[0]); // on the recon axis KL would be squashed to a sixth
    expect(svg).toContain(">KL (nats per image)</text>");
  });

  it("leaves out the training line when a run lacks it", () => {
    expect(tradeoffFigure([{ latentDim: 2, testRecon: 1, testKl: 1 }]).data).toHaveLength(2);
  });

  it("draws a latent map with one trace and colour per class, from the first two dimensions", () => {
    const mu = new Float32Array([0, 1, 9, 2, 3, 9, 4, 5, 9]); // 3 codes in 3-D
    const fig = latentMapFigure(mu, 3, [0, 1, 0], ["zero", "one"], { legend: false });
    expect(fig.data.map((t) => [t.name, Array.from(t.x as number[]), Array.from(t.y as number[])])).toEqual([
      ["zero", [0, 4], [1, 5]],
      ["one", [2], [3]],
    ]);
    expect(fig.data.every((t) => t.showlegend === false)).toBe(true);
    expect(() => latentMapFigure(new Float32Array(3), 1, [0, 0, 0], ["a"])).toThrow(/at least 2 latent dimensions/);
  });

  it("draws one curve per run with whole-number epoch ticks", () => {
    const fig = curvesFigure(
      [
        { name: "L = 2", x: [1, 2, 3], y: [3, 2, 1] },
        { name: "L = 5", x: [1, 2, 3], y: [2, 1, 0.5] },
      ],
      { title: "t", xTitle: "epoch", yTitle: "nats" },
    );
    expect(fig.data).toHaveLength(2);
    expect(fig.layout?.xaxis?.dtick).toBe(1);
    expect(
      curvesFigure([{ name: "a", x: [1, 50], y: [1, 2] }], { title: "t", xTitle: "epoch", yTitle: "y" }).layout?.xaxis
        ?.dtick,
    ).toBe(5);
  });

  it("shrinks a figure into a legend-less panel", () => {
    const p = panel(tradeoffFigure([{ latentDim: 2, testRecon: 1, testKl: 1 }]), 200, 150);
    expect([p.layout?.width, p.layout?.height, p.layout?.showlegend]).toEqual([200, 150, false]);
    expect(p.layout?.title).toEqual({ text: "Latent dimension: reconstruction vs KL", font: { size: 13 } });
    expect(p.data.every((t) => t.showlegend === false)).toBe(true);
  });
});
