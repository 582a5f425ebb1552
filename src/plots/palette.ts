/**
 * The class colours every figure, the playground and the navigator share. Chosen from Okabe & Ito's
 * and Paul Tol's colour-blind-safe sets (Tol, "Colour schemes", SRON/EPS/TN/09-002) so that all ten
 * stay apart for readers with protanopia, deuteranopia or tritanopia: simulated with Machado,
 * Oliveira & Fernandes (2009, severity 1), every pair differs by at least 15 in CIELAB ΔE
 * (palette.test.ts checks it; d3's category10, used before, drops to 4.6 for protanopia: orange vs
 * green). Every colour has at least 1.8:1 contrast on white.
 */
export const CLASS_COLOURS = [
  "#332288",
  "#CCBB44",
  "#117733",
  "#CC6677",
  "#66CCEE",
  "#D55E00",
  "#000000",
  "#AA4499",
  "#882255",
  "#BBBBBB",
];

/** The colour of class `c` (cycling after ten). */
export const classColour = (c: number): string => CLASS_COLOURS[c % CLASS_COLOURS.length];
