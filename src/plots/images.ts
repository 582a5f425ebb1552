/**
 * Grids of small greyscale images (digits, reconstructions, samples, a decoded latent manifold) as
 * one raster, and that raster as a PNG (PNG spec, W3C 2003: signature, IHDR, one zlib IDAT, IEND;
 * colour type 0 = greyscale, 8 bits, filter 0 on every row). Pure functions over typed arrays; the
 * notebook adapter (src/notebook/images.ts) shows them.
 */
import { deflateSync } from "node:zlib";

/** An 8-bit greyscale raster, row-major. */
export interface GreyImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

export interface TileOptions {
  /** Height and width of one image in pixels (28 for MNIST). */
  imageSize?: number;
  /** Images per row (default: all in one row). */
  cols?: number;
  /** Pixels between images, drawn in `gapValue` (default 2). */
  gap?: number;
  /** 0..255, the separator's grey (default 128). */
  gapValue?: number;
}

/**
 * Places `count` images of imageSize² intensities in [0, 1] (row-major, one after another) in a
 * grid of `cols` columns, left to right and top to bottom. Values outside [0, 1] are clipped.
 *
 * @example
 * tileImages(new Float32Array([0, 1, 1, 0]), 1, { imageSize: 2 }); //=> { width: 2, height: 2, pixels: [0, 255, 255, 0] }
 */
export function tileImages(images: ArrayLike<number>, count: number, options: TileOptions = {}): GreyImage {
  const size = options.imageSize ?? 28;
  const gap = options.gap ?? 2;
  if (!(Number.isInteger(count) && count >= 1))
    throw new Error(`tileImages: count must be a whole number ≥ 1, got ${count}.`);
  if (images.length < count * size * size) {
    throw new Error(
      `tileImages: ${count} images of ${size}×${size} need ${count * size * size} values, got ${images.length}.`,
    );
  }
  const cols = Math.min(options.cols ?? count, count);
  if (!(Number.isInteger(cols) && cols >= 1))
    throw new Error(`tileImages: cols must be a whole number ≥ 1, got ${options.cols}.`);
  const rows = Math.ceil(count / cols);
  const width = cols * size + (cols - 1) * gap,
    height = rows * size + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height).fill(options.gapValue ?? 128);
  for (let k = 0; k < count; k++) {
    const x0 = (k % cols) * (size + gap),
      y0 = Math.floor(k / cols) * (size + gap);
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = images[k * size * size + r * size + c];
        pixels[(y0 + r) * width + x0 + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      }
    }
  }
  return { pixels, width, height };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The raster as PNG bytes (greyscale, 8 bits). */
export function encodePng(image: GreyImage): Uint8Array {
  const { pixels, width, height } = image;
  if (pixels.length !== width * height)
    throw new Error(`encodePng: ${width}×${height} needs ${width * height} pixels, got ${pixels.length}.`);
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, filter method 0, no interlace
  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0, then the pixels
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  const parts = [
    Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The raster as a `data:image/png;base64,…` URI, for an <img> that needs no files. */
export function pngDataUri(image: GreyImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(image)).toString("base64")}`;
}
