/**
 * View 4, "Navigator": the shared latent navigator (src/navigator), plus the "experiments to try"
 * panel whose buttons drive it through its public API (`window.vaeLabNavigators[id]`) and DOM hooks.
 */
import { escapeHtml } from "../../html";
import type { PlaygroundData } from "../data";

export const NAVIGATOR_ID = "playground";

/** Class index by name ("3"), falling back to the index itself for datasets with other names. */
const classIndex = (data: PlaygroundData, name: string, fallback: number) => {
  const i = data.classNames.indexOf(name);
  return i >= 0 ? i : Math.min(fallback, data.classNames.length - 1);
};

export function experimentsToTry(data: PlaygroundData): string {
  const names = data.classNames;
  const three = classIndex(data, "3", 3),
    eight = classIndex(data, "8", 8);
  const one = classIndex(data, "1", 1),
    seven = classIndex(data, "7", 7);
  const [a, b] = data.latent.mostConfused;
  const n = (k: number) => escapeHtml(names[k]);
  return `<aside class="try" data-role="experiments-to-try"><h3>Experiments to try</h3><ul>
<li><button type="button" data-experiment="morph" data-from="${three}" data-to="${eight}">Morph ${n(three)} → ${n(eight)}</button> Jump to the ${n(three)} centroid, then walk to ${n(eight)} in small steps. Which in-between frames look like neither, and where does the ${n(three)} turn into the ${n(eight)}?</li>
<li><button type="button" data-experiment="boundary" data-from="${a}" data-to="${b}">Boundary ${n(a)} / ${n(b)}</button> Sit halfway between the ${n(a)} and ${n(b)} centroids (the pair that overlaps most), then nudge z₁ and z₂: how far must you move before the picture clearly flips?</li>
<li><button type="button" data-experiment="interpolate" data-from="${one}" data-to="${seven}">Linear vs spherical, ${n(one)} → ${n(seven)}</button> Compare the two strips. The straight line passes nearer the origin, where codes are atypical in higher dimensions; the arc keeps a typical norm.${data.config.latentDim === 2 ? " In 2-D the two strips are close; retrain with <code>--latent 16</code> to see them part." : ""}</li>
</ul></aside>`;
}

export function navigatorView(data: PlaygroundData, navigatorFragment: string): string {
  return `<h2>Navigator</h2>
<p>Move z₁ and z₂ and watch the decoder draw in your browser, from the decoder's own weights. The marker on the map is your current z.</p>
<div class="navigator-slot" data-role="navigator-slot">${navigatorFragment}</div>
${experimentsToTry(data)}`;
}
