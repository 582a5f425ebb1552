import { describe, expect, it } from "vitest";
import { figureToSvg } from "./svg";
import { classScatterFigure, confusionFigure } from "./latentFigures";

describe("latent-space figures", () => {
  it("draws one named trace per class from the first two coordinates, plus the centroids", () => {
    const points = [0, 0, 9, 1, 1, 9, 2, 2, 9],
      labels = [1, 0, 1];
    const fig = classScatterFigure(points, labels, ["zero", "one"], { dim: 3, centroids: [1, 1, 9, 1, 1, 9] });
    expect(fig.data.map((t) => t.name)).toEqual(["zero", "one", "class centroids"]);
    expect(Array.from(fig.data[0].x!)).toEqual([1]);
    expect(Array.from(fig.data[1].x!)).toEqual([0, 2]);
    expect(Array.from(fig.data[1].y!)).toEqual([0, 2]);
    expect(figureToSvg(fig)).toContain("<circle");
  });

  it("refuses points that do not match the labels", () => {
    expect(() => classScatterFigure([0, 0, 1], [0, 1], ["a", "b"])).toThrow("2 labels need 4 coordinates, got 3");
  });

  it("shows the confusion matrix as a heatmap labelled with class names, on a fixed 0..1 scale", () => {
    const fig = confusionFigure(
      [
        [0.9, 0.1],
        [0.3, 0.7],
      ],
      ["4", "9"],
    );
    expect(fig.data[0].type).toBe("heatmap");
    expect(fig.data[0].z).toEqual([
      [0.9, 0.1],
      [0.3, 0.7],
    ]);
    expect([fig.data[0].zmin, fig.data[0].zmax]).toEqual([0, 1]);
    expect(fig.layout?.xaxis?.ticktext).toEqual(["4", "9"]);
    expect(figureToSvg(fig)).toContain("<rect");
  });
});
