import { describe, expect, it } from "vitest";
import { priorCircleTrace, priorMassWithin, withPriorCircle } from "./priorCircle";

describe("the prior's circle on a 2-D latent map", () => {
  it("holds 1 − e^(−r²/2) of N(0, I) in 2-D: 39 % at r = 1, 86 % at r = 2", () => {
    expect(priorMassWithin(1)).toBeCloseTo(0.3935, 4);
    expect(priorMassWithin(2)).toBeCloseTo(0.8647, 4);
    expect(priorMassWithin(0)).toBe(0);
  });

  it("is a closed circle of radius r around 0, named after its mass", () => {
    const t = priorCircleTrace(3);
    const x = Array.from(t.x!) as number[],
      y = Array.from(t.y!) as number[];
    x.forEach((v, k) => expect(Math.hypot(v, y[k])).toBeCloseTo(3, 10));
    expect(x[0]).toBeCloseTo(x[x.length - 1], 10);
    expect(t.name).toBe("prior: 99 % of z ~ N(0, I)");
  });

  it("adds the circle to a figure without changing the figure passed in", () => {
    const fig = { data: [{ type: "scatter" as const, x: [1], y: [2] }], layout: { title: "map" } };
    const out = withPriorCircle(fig);
    expect(out.data).toHaveLength(2);
    expect(fig.data).toHaveLength(1);
    expect(out.layout).toBe(fig.layout);
  });
});
