import { afterEach, describe, expect, it } from "vitest";
import { setDisplaySink, type MimeBundle } from "./display";
import { imagesHtml, showImageRows, showImages } from "./images";
import { livePlot } from "./livePlot";

const captured: { bundle: MimeBundle; id?: string; update: boolean }[] = [];
afterEach(() => {
  setDisplaySink(undefined);
  captured.length = 0;
});
const capture = () => setDisplaySink((bundle, o) => void captured.push({ bundle, ...o }));
const digits = (n: number) => Float32Array.from({ length: n * 784 }, (_, i) => ((i * 7) % 13) / 12);

describe("image outputs in the notebook", () => {
  it("shows a labelled grid as script-free HTML with a caption per image, stored once (no image/png copy)", () => {
    capture();
    showImages(digits(3), 3, { labels: ["7", "2", "<1>"], title: "three" });
    const { bundle } = captured[0];
    const html = bundle["text/html"];
    expect(html.match(/<img /g)).toHaveLength(3);
    expect(html).toContain("<figcaption>&lt;1&gt;</figcaption>");
    expect(html).not.toContain("<script");
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo');
    expect(Object.keys(bundle).sort()).toEqual(["text/html", "text/plain"]);
    expect(bundle["text/plain"]).toBe("[3 images: three]");
  });

  it("draws an unlabelled grid as one image, scaled", () => {
    const html = imagesHtml(digits(4), 4, { cols: 2, gap: 0, scale: 1.5 });
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toContain('width="84" height="84"');
  });

  it("needs a label per image", () => {
    expect(() => imagesHtml(digits(3), 3, { labels: ["1"] })).toThrow("3 images need 3 labels, got 1");
  });

  it("shows rows one above the other, each with its label", () => {
    capture();
    showImageRows(
      [
        { label: "original", images: digits(5) },
        { label: "reconstruction", images: digits(5) },
      ],
      5,
    );
    const html = captured[0].bundle["text/html"];
    expect(html.match(/<tr>/g)).toHaveLength(2);
    expect(html).toContain(">reconstruction</td>");
    expect(captured[0].bundle["text/plain"]).toBe("[original / reconstruction: 5 images each]");
  });

  it("live plot: redraws one output in place as SVG, then replaces it with the interactive figure", () => {
    capture();
    const live = livePlot(0);
    const fig = (n: number) => ({ data: [{ x: [1, n], y: [1, n] }], layout: { title: `after ${n}` } });
    live.update(fig(2));
    live.update(fig(3));
    live.finish(fig(4));
    expect(captured).toHaveLength(3);
    expect(new Set(captured.map((c) => c.id)).size).toBe(1);
    expect(captured.map((c) => c.update)).toEqual([false, true, true]);
    expect(captured[1].bundle["text/html"]).toContain('src="data:image/svg+xml,');
    expect(captured[1].bundle["text/html"]).not.toContain("<script");
    expect(captured[2].bundle["text/html"]).toContain("newPlot");
  });
});
