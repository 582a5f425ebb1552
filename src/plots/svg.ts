/**
 * Plotly figure specs (the subset vae-lab's figures use) and a static SVG rendering of them: the
 * fallback shown where plotly.js cannot run (untrusted notebooks, nbviewer, GitHub, offline HTML).
 * Scatter traces (markers and/or lines) and heatmaps; axes with ticks; a logarithmic y axis
 * (`yaxis.type: "log"`, ticks at powers of ten, and at 2 and 5 times them over a short range); a
 * second y axis on the right for traces with `yaxis: "y2"`; a legend of named traces.
 */
export interface Trace {
  type?: "scatter" | "scattergl" | "heatmap";
  /** null breaks a line into segments, as in Plotly. */
  x?: ArrayLike<number | null>;
  y?: ArrayLike<number | null>;
  /** heatmap values, z[row][col], rows bottom to top as in Plotly */
  z?: number[][];
  mode?: string;
  name?: string;
  showlegend?: boolean;
  marker?: {
    color?: string | ArrayLike<number>;
    size?: number;
    opacity?: number;
    colorscale?: string;
    symbol?: string;
  };
  line?: { color?: string; width?: number; dash?: string };
  colorscale?: string;
  xaxis?: string;
  yaxis?: string;
  [key: string]: unknown;
}

export interface Figure {
  data: Trace[];
  layout?: {
    title?: string | { text: string };
    width?: number;
    height?: number;
    xaxis?: { title?: string | { text: string }; range?: [number, number]; scaleanchor?: string; [k: string]: unknown };
    yaxis?: { title?: string | { text: string }; range?: [number, number]; scaleanchor?: string; [k: string]: unknown };
    [key: string]: unknown;
  };
  config?: Record<string, unknown>;
  /** Animation frames (a slider over snapshots); the static fallback shows `data`. */
  frames?: { name: string; data: Trace[]; traces?: number[] }[];
}

const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
/** Viridis at 5 stops, for numeric marker colours and heatmaps. */
const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u)),
    f = u - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + f * (VIRIDIS[i + 1][k] - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const text = (t: unknown) =>
  typeof t === "string" ? t : t && typeof t === "object" && "text" in t ? String((t as { text: unknown }).text) : "";
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const fmt = (v: number) =>
  Math.abs(v) >= 1e6 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(1)
    : String(Number(v.toPrecision(Math.abs(v) >= 1000 ? 6 : 3)));

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return out;
}

/** Ticks of a log axis over [lo, hi] in log10 units: powers of ten, plus 2× and 5× over ≤ 2 decades. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const decades = hi - lo;
  const mults = decades <= 2 ? [1, 2, 5] : [1];
  const step = decades > 8 ? Math.ceil(decades / 6) : 1;
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k += step)
    for (const m of mults) {
      const v = Math.log10(m) + k;
      if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
    }
  return out;
}

/** A log-axis tick label: 0.01, 0.2, 5, 100, 1e+5. */
const fmtLog = (v: number) => {
  const x = 10 ** v;
  return x >= 1e-4 && x < 1e5 ? String(Number(x.toPrecision(1))) : x.toExponential(0);
};

/**
 * The figure as a standalone SVG string. Large scatters are thinned to 4,000 points per trace.
 * Markers are one `<circle>` each (pages that style or count them rely on that); with
 * `compactMarkers` they are one path per colour instead, about 14 bytes a point instead of 80, for
 * pictures stored in notebooks.
 */
export function figureToSvg(fig: Figure, options: { compactMarkers?: boolean } = {}): string {
  const W = fig.layout?.width ?? 640,
    H = fig.layout?.height ?? 420;
  const m = { l: 56, r: 16, t: fig.layout?.title ? 36 : 16, b: 44 };
  const logY = (fig.layout?.yaxis as { type?: string } | undefined)?.type === "log";
  // A log axis draws log10(y); values ≤ 0 have no place on it and are left out, as in Plotly.
  const traces = fig.data
    .filter((t) => (t.type === "heatmap" ? t.z : t.x && t.y))
    .map((t) =>
      logY && t.type !== "heatmap" && t.yaxis !== "y2"
        ? { ...t, y: Array.from(t.y!, (v) => (v !== null && v > 0 ? Math.log10(v) : null)) }
        : t,
    );
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  let [y20, y21] = [Infinity, -Infinity]; // the right axis (traces with yaxis "y2")
  for (const t of traces) {
    if (t.type === "heatmap") {
      const z = t.z!;
      [x0, x1] = [Math.min(x0, -0.5), Math.max(x1, (z[0]?.length ?? 1) - 0.5)];
      [y0, y1] = [Math.min(y0, -0.5), Math.max(y1, z.length - 0.5)];
      continue;
    }
    for (let i = 0; i < t.x!.length; i++) {
      const x = t.x![i] as number,
        y = t.y![i] as number;
      if (Number.isFinite(x)) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
      }
      if (Number.isFinite(y) && t.yaxis === "y2") {
        y20 = Math.min(y20, y);
        y21 = Math.max(y21, y);
      } else if (Number.isFinite(y)) {
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const hasY2 = Number.isFinite(y20);
  if (hasY2) {
    if (y21 === y20) [y20, y21] = [y20 - 1, y21 + 1];
    [y20, y21] = [y20 - 0.04 * (y21 - y20), y21 + 0.04 * (y21 - y20)];
    m.r = 56;
  }
  if (fig.layout?.xaxis?.range) [x0, x1] = fig.layout.xaxis.range;
  if (fig.layout?.yaxis?.range) [y0, y1] = fig.layout.yaxis.range;
  if (!Number.isFinite(x0)) [x0, x1] = [0, 1];
  if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const padX = fig.layout?.xaxis?.range ? 0 : 0.04 * (x1 - x0),
    padY = fig.layout?.yaxis?.range ? 0 : 0.04 * (y1 - y0);
  [x0, x1, y0, y1] = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
  let pw = W - m.l - m.r,
    ph = H - m.t - m.b;
  if (fig.layout?.yaxis?.scaleanchor === "x" || fig.layout?.xaxis?.scaleanchor === "y") {
    // equal axes: shrink one side so a unit is as long on both
    const k = Math.min(pw / (x1 - x0), ph / (y1 - y0));
    pw = k * (x1 - x0);
    ph = k * (y1 - y0);
  }
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const sy2 = (y: number) => m.t + ph - ((y - y20) / (y21 - y20)) * ph;

  const parts: string[] = [];
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${pw.toFixed(1)}" height="${ph.toFixed(1)}" fill="#fff" stroke="#ccc"/>`,
  );
  for (const v of niceTicks(x0, x1))
    parts.push(
      `<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${m.t}" y2="${(m.t + ph).toFixed(1)}" stroke="#eee"/><text x="${sx(v).toFixed(1)}" y="${(m.t + ph + 14).toFixed(1)}" font-size="10" text-anchor="middle">${fmt(v)}</text>`,
    );
  for (const v of logY ? logTicks(y0, y1) : niceTicks(y0, y1))
    parts.push(
      `<line x1="${m.l}" x2="${(m.l + pw).toFixed(1)}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#eee"/><text x="${m.l - 4}" y="${(sy(v) + 3).toFixed(1)}" font-size="10" text-anchor="end">${logY ? fmtLog(v) : fmt(v)}</text>`,
    );

  if (hasY2)
    for (const v of niceTicks(y20, y21))
      parts.push(
        `<text x="${(m.l + pw + 4).toFixed(1)}" y="${(sy2(v) + 3).toFixed(1)}" font-size="10" text-anchor="start">${fmt(v)}</text>`,
      );

  const legend: { name: string; color: string }[] = [];
  traces.forEach((t, k) => {
    const colour =
      typeof t.marker?.color === "string" ? t.marker.color : (t.line?.color ?? PALETTE[k % PALETTE.length]);
    if (t.type === "heatmap") {
      const z = t.z!;
      let lo = Infinity,
        hi = -Infinity;
      for (const row of z)
        for (const v of row) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      const cw = pw / (x1 - x0),
        ch = ph / (y1 - y0);
      z.forEach((row, r) =>
        row.forEach((v, c) => {
          parts.push(
            `<rect x="${sx(c - 0.5).toFixed(1)}" y="${sy(r + 0.5).toFixed(1)}" width="${(cw + 0.3).toFixed(2)}" height="${(ch + 0.3).toFixed(2)}" fill="${t.colorscale === "Greys" ? grey((v - lo) / (hi - lo || 1)) : viridis((v - lo) / (hi - lo || 1))}"/>`,
          );
        }),
      );
      return;
    }
    const X = t.x as ArrayLike<number>,
      Y = t.y as ArrayLike<number>; // nulls fail Number.isFinite
    const syT = t.yaxis === "y2" ? sy2 : sy;
    const n = X.length;
    const mode = t.mode ?? (n > 20 ? "markers" : "lines+markers");
    if (mode.includes("lines")) {
      // A null or NaN breaks the line, as in Plotly: one polyline per segment.
      let pts: string[] = [];
      const flush = () => {
        if (pts.length > 1)
          parts.push(
            `<polyline fill="none" stroke="${colour}" stroke-width="${t.line?.width ?? 1.5}" points="${pts.join(" ")}"/>`,
          );
        pts = [];
      };
      for (let i = 0; i < n; i++) {
        if (Number.isFinite(X[i]) && Number.isFinite(Y[i])) pts.push(`${sx(X[i]).toFixed(1)},${syT(Y[i]).toFixed(1)}`);
        else flush();
      }
      flush();
    }
    if (mode.includes("markers")) {
      const step = Math.max(1, Math.ceil(n / 4000));
      const numeric =
        t.marker?.color !== undefined && typeof t.marker.color !== "string"
          ? (t.marker.color as ArrayLike<number>)
          : undefined;
      let lo = Infinity,
        hi = -Infinity;
      if (numeric)
        for (let i = 0; i < numeric.length; i++) {
          lo = Math.min(lo, numeric[i]);
          hi = Math.max(hi, numeric[i]);
        }
      const r = Math.max(1, (t.marker?.size ?? 6) / 2.5);
      const opacity = t.marker?.opacity ?? 0.8;
      // Compact: round-capped zero-length strokes, one <path> per colour (numeric colours in 32 steps of viridis).
      const byColour = new Map<string, string[]>();
      for (let i = 0; i < n; i += step) {
        if (!Number.isFinite(X[i]) || !Number.isFinite(Y[i])) continue;
        if (!options.compactMarkers) {
          const c = numeric ? viridis((numeric[i] - lo) / (hi - lo || 1)) : colour;
          parts.push(
            `<circle cx="${sx(X[i]).toFixed(1)}" cy="${syT(Y[i]).toFixed(1)}" r="${r.toFixed(1)}" fill="${c}" fill-opacity="${opacity}"/>`,
          );
          continue;
        }
        const c = numeric ? viridis(Math.round(31 * ((numeric[i] - lo) / (hi - lo || 1))) / 31) : colour;
        let d = byColour.get(c);
        if (!d) byColour.set(c, (d = []));
        d.push(`M${sx(X[i]).toFixed(1)} ${syT(Y[i]).toFixed(1)}h0`);
      }
      for (const [c, d] of byColour)
        parts.push(
          `<path class="markers" d="${d.join("")}" stroke="${c}" stroke-width="${(2 * r).toFixed(1)}" stroke-linecap="round" stroke-opacity="${opacity}" fill="none"/>`,
        );
    }
    if (t.name && t.showlegend !== false) legend.push({ name: t.name, color: colour });
  });
  // The legend in the top right corner, as wide as its longest name (~6.2 px a character at 11 px).
  const legendWidth = Math.min(pw - 8, 24 + 6.2 * Math.max(0, ...legend.map((l) => l.name.length)));
  if (legend.length)
    parts.push(
      `<rect x="${(m.l + pw - legendWidth - 4).toFixed(1)}" y="${m.t + 2}" width="${legendWidth.toFixed(1)}" height="${14 * legend.length + 6}" fill="#fff" fill-opacity="0.8"/>`,
    );
  legend.forEach((l, i) => {
    const y = m.t + 12 + 14 * i;
    parts.push(
      `<rect x="${(m.l + pw - legendWidth).toFixed(1)}" y="${y - 8}" width="10" height="10" fill="${l.color}"/><text x="${(m.l + pw - legendWidth + 14).toFixed(1)}" y="${y + 1}" font-size="11">${esc(l.name)}</text>`,
    );
  });
  const title = text(fig.layout?.title);
  if (title)
    parts.push(`<text x="${W / 2}" y="22" font-size="14" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  const xt = text(fig.layout?.xaxis?.title),
    yt = text(fig.layout?.yaxis?.title);
  if (xt)
    parts.push(
      `<text x="${(m.l + pw / 2).toFixed(1)}" y="${(m.t + ph + 34).toFixed(1)}" font-size="12" text-anchor="middle">${esc(xt)}</text>`,
    );
  if (yt)
    parts.push(
      `<text x="14" y="${(m.t + ph / 2).toFixed(1)}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(m.t + ph / 2).toFixed(1)})">${esc(yt)}</text>`,
    );
  const y2t = text((fig.layout?.yaxis2 as { title?: unknown } | undefined)?.title);
  if (hasY2 && y2t) {
    const xr = m.l + pw + 46;
    parts.push(
      `<text x="${xr.toFixed(1)}" y="${(m.t + ph / 2).toFixed(1)}" font-size="12" text-anchor="middle" transform="rotate(90 ${xr.toFixed(1)} ${(m.t + ph / 2).toFixed(1)})">${esc(y2t)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${parts.join("")}</svg>`;
}

function grey(t: number): string {
  const v = Math.round(255 * (1 - Math.min(1, Math.max(0, t))));
  return `rgb(${v},${v},${v})`;
}
