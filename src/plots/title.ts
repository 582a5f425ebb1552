/**
 * Plotly titles in the current form, `{ text }`: plotly.js 3 dropped string titles (`title: "…"`
 * draws nothing there), so every figure builder writes its titles through this or as `{ text }`.
 *
 * @example
 * plotTitle("Training loss"); //=> { text: "Training loss" }
 * plotTitle(undefined);       //=> undefined
 */
export function plotTitle(text: string | undefined): { text: string } | undefined {
  return text === undefined ? undefined : { text };
}
