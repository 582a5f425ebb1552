import { describe, expect, it } from "vitest";
import { CLASS_COLOURS } from "./palette";

// Machado, Oliveira & Fernandes (2009), severity 1.0, applied in linear RGB.
const CVD: Record<string, number[][]> = {
  normal: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
const linear = (hex: string) =>
  [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
function lab(rgb: number[]): number[] {
  const [r, g, b] = rgb.map((v) => Math.min(1, Math.max(0, v)));
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ];
  const [fx, fy, fz] = xyz.map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
const seen = (hex: string, m: number[][]) => lab(m.map((row) => row.reduce((s, w, j) => s + w * linear(hex)[j], 0)));
const luminance = (hex: string) => linear(hex).reduce((s, c, i) => s + [0.2126, 0.7152, 0.0722][i] * c, 0);

describe("class colours", () => {
  it("are ten distinct colours", () => {
    expect(new Set(CLASS_COLOURS.map((c) => c.toLowerCase())).size).toBe(10);
  });

  for (const [vision, m] of Object.entries(CVD)) {
    it(`stay at least ΔE 15 apart, every pair, with ${vision}`, () => {
      let worst = { d: Infinity, pair: "" };
      CLASS_COLOURS.forEach((a, i) =>
        CLASS_COLOURS.slice(i + 1).forEach((b) => {
          const d = Math.hypot(...seen(a, m).map((v, k) => v - seen(b, m)[k]));
          if (d < worst.d) worst = { d, pair: `${a}/${b}` };
        }),
      );
      expect(worst.d, worst.pair).toBeGreaterThanOrEqual(15);
    });
  }

  it("each stand out from a white background (contrast at least 1.8:1)", () => {
    for (const c of CLASS_COLOURS) expect(1.05 / (luminance(c) + 0.05), c).toBeGreaterThanOrEqual(1.8);
  });
});
