/** One colour per class, shared by every view of the page (src/plots/palette.ts: colour-blind safe). */
export { CLASS_COLOURS, classColour } from "../../plots/palette";
