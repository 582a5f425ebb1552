/**
 * A static figure in the playground with its text alternative: `role="img"` and an `aria-label`
 * that says what the figure shows and its key numbers, so a screen reader gets the point of it.
 */
import { escapeHtml } from "../../html";

export function figureBlock(role: string, label: string, svg: string): string {
  return `<div class="figure" data-role="${role}" role="img" aria-label="${escapeHtml(label)}">${svg}</div>`;
}

/** "training 180.2 → 150.3" — a series from its first to its last value, for a figure's label. */
export function trend(name: string, ys: number[], digits = 1): string {
  return ys.length === 0
    ? `${name}: no values`
    : `${name} ${ys[0].toFixed(digits)} → ${ys[ys.length - 1].toFixed(digits)}`;
}
