/**
 * Rows of digit images, one row per model, each with a label: originals over the reconstructions of
 * L = 2, 5, 10, 20, or prior samples per latent dimension. One greyscale PNG per row (PNG spec, W3C
 * 2003: signature, IHDR, one zlib IDAT, IEND) inside plain HTML, so it renders untrusted and in
 * nbconvert's HTML export; the whole grid also goes as image/png in the same bundle.
 *
 * MERGE NOTE: a stand-in for lesson 2's `showImageRows` (src/notebook/images.ts on the lesson2
 * branch, same signature), which had not landed when this was written. When both branches are on
 * main, delete this file and its export in src/index.ts: notebook 03 calls `showImageRows` by name.
 */
import { deflateSync } from "node:zlib";
import { displayBundle, escapeHtml } from "../notebook/display";

interface Grey {
  pixels: Uint8Array; // [height × width], 0 black .. 255 white
  width: number;
  height: number;
}

/** `count` images of size² intensities in [0, 1] side by side, 2 grey pixels apart. */
function tileRow(images: ArrayLike<number>, count: number, size: number): Grey {
  const gap = 2;
  const width = count * size + (count - 1) * gap, height = size;
  const pixels = new Uint8Array(width * height).fill(128);
  for (let k = 0; k < count; k++) {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = images[k * size * size + r * size + c];
        pixels[r * width + k * (size + gap) + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      }
    }
  }
  return { pixels, width, height };
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  let c = 0xffffffff;
  for (let i = 4; i < 8 + data.length; i++) c = CRC_TABLE[(c ^ out[i]) & 0xff] ^ (c >>> 8);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/** A greyscale 8-bit PNG, base64. */
export function greyPngBase64({ pixels, width, height }: Grey): string {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8 bits, greyscale, deflate, filter method 0, no interlace
  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0, then the pixels
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array(0))]);
  return png.toString("base64");
}

/** Shows rows of `count` images each, one above the other, a label on the left of each. */
export function showImageRows(rows: { label: string; images: ArrayLike<number> }[], count: number, options: { imageSize?: number; title?: string; scale?: number } = {}): void {
  const size = options.imageSize ?? 28, scale = options.scale ?? 2;
  const tiles = rows.map((r) => tileRow(r.images, count, size));
  const img = (t: Grey, alt: string) =>
    `<img src="data:image/png;base64,${greyPngBase64(t)}" width="${t.width * scale}" height="${t.height * scale}" alt="${escapeHtml(alt)}" style="image-rendering:pixelated;max-width:none;display:block">`;
  const body = rows.map((r, i) => `<tr><td style="padding:2px 8px 2px 0;text-align:right;white-space:nowrap">${escapeHtml(r.label)}</td><td style="padding:2px 0">${img(tiles[i], r.label)}</td></tr>`).join("");
  const title = options.title ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(options.title)}</div>` : "";
  const html = `<div class="vae-lab-images" style="font-family:sans-serif;font-size:13px">${title}<table style="border-collapse:collapse">${body}</table></div>`;
  // The whole grid as one PNG: the rows stacked, 2 grey pixels apart.
  const width = tiles[0]?.width ?? 1, height = tiles.length * (size + 2) - 2;
  const all = new Uint8Array(width * Math.max(1, height)).fill(128);
  tiles.forEach((t, i) => all.set(t.pixels, i * (size + 2) * width));
  displayBundle({ "text/html": html, "image/png": greyPngBase64({ pixels: all, width, height: Math.max(1, height) }), "text/plain": `[${rows.map((r) => r.label).join(" / ")}: ${count} images each]` });
}
