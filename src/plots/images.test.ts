import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodePng, pngDataUri, tileImages } from "./images";

/** Reads back a greyscale PNG written by encodePng: chunk CRCs checked, rows un-filtered. */
function decodeGreyPng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array; crcOk: boolean } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8,
    width = 0,
    height = 0,
    crcOk = true;
  const idat: Uint8Array[] = [];
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  while (at < png.length) {
    const len = view.getUint32(at),
      type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    let c = 0xffffffff;
    for (const b of png.subarray(at + 4, at + 8 + len)) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    if ((c ^ 0xffffffff) >>> 0 !== view.getUint32(at + 8 + len)) crcOk = false;
    if (type === "IHDR") [width, height] = [view.getUint32(at + 8), view.getUint32(at + 12)];
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    expect(raw[r * (width + 1)]).toBe(0); // filter type 0
    pixels.set(raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1)), r * width);
  }
  return { width, height, pixels, crcOk };
}

describe("image grids", () => {
  it("tiles images left to right, top to bottom, with a grey gap between them", () => {
    const a = [0, 1, 1, 0],
      b = [0.5, 0.5, 0.5, 0.5],
      c = [1, 1, 1, 1];
    const g = tileImages(new Float32Array([...a, ...b, ...c]), 3, { imageSize: 2, cols: 2, gap: 1, gapValue: 7 });
    expect([g.width, g.height]).toEqual([5, 5]);
    expect(Array.from(g.pixels)).toEqual([
      0, 255, 7, 128, 128, 255, 0, 7, 128, 128, 7, 7, 7, 7, 7, 255, 255, 7, 7, 7, 255, 255, 7, 7, 7,
    ]);
  });

  it("clips intensities outside [0, 1] and draws NaN as 0", () => {
    expect(Array.from(tileImages([-1, 2, NaN, 0.2], 1, { imageSize: 2 }).pixels)).toEqual([0, 255, 0, 51]);
  });

  it("refuses too few values, naming what it needs", () => {
    expect(() => tileImages(new Float32Array(10), 2, { imageSize: 28 })).toThrow(
      "2 images of 28×28 need 1568 values, got 10",
    );
  });

  it("encodes a PNG that decodes back to the same pixels, with valid chunk checksums", () => {
    const g = tileImages(
      Float32Array.from({ length: 3 * 28 * 28 }, (_, i) => (i % 29) / 28),
      3,
      { cols: 2 },
    );
    const png = encodePng(g);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decodeGreyPng(png);
    expect(back.crcOk).toBe(true);
    expect([back.width, back.height]).toEqual([g.width, g.height]);
    expect(Array.from(back.pixels)).toEqual(Array.from(g.pixels));
    expect(pngDataUri(g)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
  });
});
