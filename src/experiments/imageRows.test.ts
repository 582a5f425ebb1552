import { inflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { setDisplaySink, type MimeBundle } from "../notebook/display";
import { greyPngBase64, showImageRows } from "./imageRows";

afterEach(() => setDisplaySink(undefined));

describe("image rows", () => {
  it("encodes a greyscale PNG whose header and pixels read back", () => {
    const png = Buffer.from(greyPngBase64({ pixels: new Uint8Array([0, 255, 128, 7, 9, 11]), width: 3, height: 2 }), "base64");
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.toString("latin1", 12, 16)).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([3, 2, 8, 0]); // 3×2, 8-bit greyscale
    const idatLength = png.readUInt32BE(33);
    expect(png.toString("latin1", 37, 41)).toBe("IDAT");
    expect([...inflateSync(png.subarray(41, 41 + idatLength))]).toEqual([0, 0, 255, 128, 0, 7, 9, 11]); // filter byte 0 per row
  });

  it("shows labelled rows as HTML images with the whole grid as image/png", () => {
    const shown: MimeBundle[] = [];
    setDisplaySink((b) => void shown.push(b));
    const image = (v: number) => new Float32Array(4 * 4).fill(v); // 4×4 images
    showImageRows([{ label: "originals", images: new Float32Array([...image(1), ...image(0)]) }, { label: "L = <2>", images: new Float32Array([...image(0.5), ...image(2)]) }], 2, { imageSize: 4, title: "t" });
    expect(shown).toHaveLength(1);
    const html = shown[0]["text/html"];
    expect(html.match(/<img src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(html).toContain("L = &lt;2&gt;");
    const png = Buffer.from(shown[0]["image/png"], "base64");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2 * 4 + 2, 2 * 4 + 2]); // 2 images + gap wide, 2 rows + gap high
    expect(shown[0]["text/plain"]).toBe("[originals / L = <2>: 2 images each]");
  });
});
