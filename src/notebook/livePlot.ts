/**
 * A figure that redraws in place while a loop runs (live loss curves during training): each update
 * sends the cheap static picture to one output; `finish` replaces it with the interactive figure.
 */
import { figureToSvg, type Figure } from "../plots/svg";
import { displayBundle, showPlot } from "./display";
import { figureTitle, svgImage } from "./plotOutput";

export interface LivePlot {
  /** Redraws the output as a static SVG of `fig` (throttled to ~4 per second; the first always shows). */
  update(fig: Figure): void;
  /** Replaces the output with the interactive figure. */
  finish(fig: Figure): void;
}

let counter = 0;

export function livePlot(minIntervalMs = 250): LivePlot {
  const id = `vae-lab-live-${Date.now().toString(36)}-${counter++}`;
  let shown = false;
  let last = -Infinity;
  return {
    update(fig) {
      const now = performance.now();
      if (shown && now - last < minIntervalMs) return;
      last = now;
      displayBundle(
        {
          "text/html": `<div class="vae-lab-plot">${svgImage(figureToSvg(fig, { compactMarkers: true }), figureTitle(fig))}</div>`,
          "text/plain": "[live figure]",
        },
        { id, update: shown },
      );
      shown = true;
    },
    finish(fig) {
      showPlot(fig, { id, update: shown });
      shown = true;
    },
  };
}
