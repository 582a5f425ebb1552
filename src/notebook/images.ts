/**
 * Showing grids of small images in a notebook: sample digits with their labels, originals over
 * reconstructions, samples from the prior, a decoded latent manifold. Each output is plain HTML with
 * PNG data URIs (no scripts: it renders untrusted, in nbviewer and in nbconvert's HTML export; the
 * sanitizer keeps `<img>`). The images are stored once: no second copy as image/png.
 */
import { pngDataUri, tileImages, type GreyImage } from "../plots/images";
import { displayBundle, escapeHtml } from "./display";

export interface ShowImagesOptions {
  /** Height and width of one image (default 28). */
  imageSize?: number;
  /** Images per row (default 10). */
  cols?: number;
  /** A caption under each image, e.g. the digit's label. */
  labels?: ArrayLike<string | number>;
  title?: string;
  /** Screen pixels per image pixel (default 2). */
  scale?: number;
  /** Pixels between images in an unlabelled grid (default 2; 0 for a seamless manifold). */
  gap?: number;
}

const imgTag = (img: GreyImage, scale: number, alt: string) =>
  `<img src="${pngDataUri(img)}" width="${Math.round(img.width * scale)}" height="${Math.round(img.height * scale)}" alt="${escapeHtml(alt)}" style="image-rendering:pixelated;max-width:none;display:block">`;
const titleHtml = (title?: string) =>
  title ? `<div style="font-weight:bold;margin-bottom:4px">${escapeHtml(title)}</div>` : "";
const wrap = (inner: string) =>
  `<div class="vae-lab-images" style="font-family:sans-serif;font-size:13px">${inner}</div>`;

/** The HTML of a grid of `count` images (with a caption under each when `labels` are given). */
export function imagesHtml(images: ArrayLike<number>, count: number, options: ShowImagesOptions = {}): string {
  const size = options.imageSize ?? 28,
    cols = options.cols ?? 10,
    scale = options.scale ?? 2;
  if (options.labels && options.labels.length < count)
    throw new Error(`showImages: ${count} images need ${count} labels, got ${options.labels.length}.`);
  if (!options.labels)
    return wrap(
      titleHtml(options.title) +
        imgTag(
          tileImages(images, count, { imageSize: size, cols, gap: options.gap }),
          scale,
          options.title ?? `${count} images`,
        ),
    );
  const cells: string[] = [];
  for (let k = 0; k < count; k++) {
    const one = tileImages(Array.prototype.slice.call(images, k * size * size, (k + 1) * size * size) as number[], 1, {
      imageSize: size,
    });
    const label = String(options.labels[k]);
    cells.push(
      `<figure style="margin:0;text-align:center">${imgTag(one, scale, label)}<figcaption>${escapeHtml(label)}</figcaption></figure>`,
    );
  }
  return wrap(
    `${titleHtml(options.title)}<div style="display:grid;grid-template-columns:repeat(${Math.min(cols, count)},max-content);gap:4px 6px">${cells.join("")}</div>`,
  );
}

/** Shows `count` images as a grid. */
export function showImages(images: ArrayLike<number>, count: number, options: ShowImagesOptions = {}): void {
  displayBundle({
    "text/html": imagesHtml(images, count, options),
    "text/plain": `[${count} images${options.title ? `: ${options.title}` : ""}]`,
  });
}

/**
 * Shows rows of images one above the other, each with a label on the left: originals over their
 * reconstructions, or the same digits decoded by two models. Every row has `count` images.
 */
export function showImageRows(
  rows: { label: string; images: ArrayLike<number> }[],
  count: number,
  options: Omit<ShowImagesOptions, "cols" | "labels"> = {},
): void {
  const size = options.imageSize ?? 28,
    scale = options.scale ?? 2;
  const tiles = rows.map((r) => tileImages(r.images, count, { imageSize: size, cols: count }));
  const body = rows
    .map(
      (r, i) =>
        `<tr><td style="padding:2px 8px 2px 0;text-align:right;white-space:nowrap">${escapeHtml(r.label)}</td><td style="padding:2px 0">${imgTag(tiles[i], scale, r.label)}</td></tr>`,
    )
    .join("");
  const html = wrap(`${titleHtml(options.title)}<table style="border-collapse:collapse">${body}</table>`);
  displayBundle({ "text/html": html, "text/plain": `[${rows.map((r) => r.label).join(" / ")}: ${count} images each]` });
}
