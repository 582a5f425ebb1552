/** One colour per class (d3's category10, as Plotly draws traces), shared by every view of the page. */
export const CLASS_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

export const classColour = (c: number) => CLASS_COLOURS[c % CLASS_COLOURS.length];
