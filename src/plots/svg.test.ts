import { describe, expect, it } from "vitest";
import { figureToSvg, logTicks, viridis } from "./svg";

/** The scatter markers drawn: circles, or (compact) zero-length round-capped strokes "Mx yh0". */
const markers = (svg: string) =>
  [...svg.matchAll(/<circle cx="(-?[\d.]+)" cy="(-?[\d.]+)"|M(-?[\d.]+) (-?[\d.]+)h0/g)].map((m) => ({
    x: Number(m[1] ?? m[3]),
    y: Number(m[2] ?? m[4]),
  }));

describe("figureToSvg", () => {
  it("draws one circle per scatter point, with axis titles and the figure title", () => {
    const svg = figureToSvg({
      data: [{ type: "scatter", mode: "markers", x: [0, 1, 2], y: [0, 1, 4], name: "data" }],
      layout: { title: "Swiss roll", xaxis: { title: "x" }, yaxis: { title: "y" } },
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(markers(svg)).toHaveLength(3);
    expect(svg).toContain(">Swiss roll<");
    expect(svg).toContain(">data<");
  });

  it("breaks lines at null and NaN, as Plotly does", () => {
    const svg = figureToSvg({
      data: [
        { x: [0, 1, 2, 3, 4], y: [1, 2, NaN, 3, 4], mode: "lines" },
        { x: [0, 1, null, 2, 3], y: [0, 1, null, 2, 3], mode: "lines" },
      ],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).not.toContain("NaN");
  });

  it("thins very large scatters to a few thousand markers", () => {
    const n = 20000;
    const svg = figureToSvg({
      data: [
        { x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => i % 7), mode: "markers" },
      ],
    });
    expect(markers(svg).length).toBeLessThanOrEqual(4000);
    expect(markers(svg).length).toBeGreaterThan(3000);
  });

  it("draws heatmap cells", () => {
    expect(
      figureToSvg({
        data: [
          {
            type: "heatmap",
            z: [
              [0, 1],
              [2, 3],
            ],
          },
        ],
      }).match(/<rect/g)!.length,
    ).toBeGreaterThanOrEqual(4 + 1);
  });

  it("draws the same markers compactly on request, one path per colour", () => {
    const fig = { data: [{ x: [0, 1, 2, 3], y: [0, 1, 2, 3], mode: "markers" }] };
    const compact = figureToSvg(fig, { compactMarkers: true });
    expect(compact).not.toContain("<circle");
    expect(markers(compact)).toEqual(markers(figureToSvg(fig)));
    expect(compact.length).toBeLessThan(figureToSvg(fig).length);
  });

  it("colours compact markers by a numeric value, one path per colour, ends of the range in viridis's end colours", () => {
    const svg = figureToSvg(
      { data: [{ x: [0, 1, 2], y: [0, 1, 2], mode: "markers", marker: { color: [0, 0.5, 1] } }] },
      { compactMarkers: true },
    );
    expect(svg.match(/<path class="markers"/g)).toHaveLength(3);
    expect(svg).toContain('stroke="rgb(68,1,84)"');
    expect(svg).toContain('stroke="rgb(253,231,37)"');
  });

  it("escapes text", () => {
    expect(figureToSvg({ data: [], layout: { title: "a < b & c" } })).toContain("a &lt; b &amp; c");
  });

  it("maps viridis ends to its end colours", () => {
    expect(viridis(0)).toBe("rgb(68,1,84)");
    expect(viridis(1)).toBe("rgb(253,231,37)");
  });

  it("draws a log y axis as Plotly does: equal steps per decade, ticks labelled 0.01, 0.1, 1 …", () => {
    const svg = figureToSvg({
      data: [{ x: [1, 2, 3, 4], y: [0.01, 0.1, 1, 10], mode: "markers" }],
      layout: { yaxis: { type: "log" } },
    });
    const cy = markers(svg).map((m) => m.y);
    expect(cy).toHaveLength(4);
    const steps = cy.slice(1).map((c, i) => cy[i] - c);
    for (const d of steps) expect(d).toBeCloseTo(steps[0], 0); // one decade, one step
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(labels).toEqual(["0.01", "0.1", "1", "10"]);
  });

  it("leaves values ≤ 0 off a log axis, and adds 2× and 5× ticks over a short range", () => {
    const svg = figureToSvg({
      data: [{ x: [1, 2, 3], y: [0, 3, 30], mode: "markers" }],
      layout: { yaxis: { type: "log" } },
    });
    expect(markers(svg)).toHaveLength(2);
    expect(logTicks(Math.log10(3), Math.log10(30)).map((v) => Number((10 ** v).toPrecision(2)))).toEqual([5, 10, 20]);
    expect(logTicks(-4, 6).length).toBeLessThanOrEqual(11);
  });
});
