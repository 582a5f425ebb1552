/**
 * View 3, "Reconstructions": held-out originals over their reconstructions (decoder mean at the
 * encoder mean). The page holds a pool of digits; "New digits" draws another row from it, in the
 * browser (client.ts), so the exported file works offline.
 */
import type { PlaygroundData } from "../data";

export const RECONSTRUCTIONS_PER_ROW = 10;

export function reconstructionsView(data: PlaygroundData): string {
  const cells = (role: string) =>
    Array.from(
      { length: RECONSTRUCTIONS_PER_ROW },
      (_, i) =>
        `<canvas width="${data.reconstructions.imageSize}" height="${data.reconstructions.imageSize}" data-role="${role}" data-index="${i}" role="img" aria-label="${role === "original" ? `held-out digit ${i + 1}` : `reconstruction xHat of digit ${i + 1}`}"></canvas>`,
    ).join("");
  return `<h2>Reconstructions</h2>
<p>Top: held-out digits the model never trained on. Bottom: what the decoder draws from their codes mu. Blurry strokes are the price of a ${data.config.latentDim}-D code.</p>
<div class="recon-grid"><div class="recon-row"><span class="row-label">original x</span>${cells("original")}</div>
<div class="recon-row"><span class="row-label">reconstruction xHat</span>${cells("reconstruction")}</div></div>
<p><button type="button" data-action="new-reconstructions">New digits</button> <span data-role="recon-labels"></span></p>`;
}
