/**
 * The latent navigator: sliders over z that decode in the browser, centroid jumps, morphs and
 * linear vs spherical interpolation strips. `showNavigator` is the notebook entry point; the
 * playground embeds `navigatorHtml` in its page.
 */
import { showHtml } from "../notebook/display";
import type { Vae } from "../vae/types";
import { navigatorData, type NavigatorDataOptions } from "./navigatorData";
import { navigatorHtml, type NavigatorHtmlOptions } from "./navigatorHtml";

export {
  exportDecoder,
  navigatorData,
  type DecoderExport,
  type DecoderLayerExport,
  type NavigatorData,
  type NavigatorDataOptions,
} from "./navigatorData";
export { navigatorClientSource, navigatorHtml, type NavigatorHtmlOptions } from "./navigatorHtml";

/**
 * Shows a navigator for `model` in the notebook, with the held-out images `x` and `labels` on its map.
 *
 * @example
 * showNavigator(model, test.images, test.labels, { title: "Drag z₁ and z₂" });
 */
export function showNavigator(
  model: Vae,
  x: Float32Array,
  labels: ArrayLike<number>,
  options: NavigatorDataOptions & NavigatorHtmlOptions = {},
): void {
  showHtml(
    navigatorHtml(navigatorData(model, x, labels, options), options),
    `[latent navigator: ${model.config.latentDim}-D latent space]`,
  );
}
