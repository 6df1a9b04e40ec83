/** @module A time-series chart on uPlot, with shaded bands (expected range), vertical markers (anomalies, releases) and drag-to-zoom. */
import uPlot from 'uplot';

/** A vertical line at a time (epoch s). */
export interface Marker {
  ts: number;
  color: string;
  /** Drawn beside the line (canvas text, never markup): a release's version. */
  label?: string;
  dash?: number[];
}

/** One line of the chart. */
export interface Line {
  label: string;
  color: string;
  dash?: number[];
  fill?: string;
  /** Line width (0 hides the line, e.g. the edges of a band). */
  width?: number;
}

/** Options of a chart. */
export interface ChartOptions {
  lines: Line[];
  data: uPlot.AlignedData;
  markers?: () => Marker[];
  height?: number;
  /** The x range to show (epoch s), when it should reach past the last point (the bucket in progress). */
  xRange?: [number, number];
  /** Shaded areas between two lines, by index into `lines` (upper first). */
  bands?: Array<{ lines: [number, number]; fill: string }>;
  /** Called with the selected range (epoch s) after a drag. */
  onZoom?: (from: number, to: number) => void;
}

/** Draws a chart into `el` and returns it (call `destroy()` when leaving). */
export function chart(el: HTMLElement, o: ChartOptions): uPlot {
  const width = Math.max(320, Math.min(1200, (el.clientWidth || window.innerWidth) - 32));
  const opts: uPlot.Options = {
    width,
    height: o.height ?? 280,
    cursor: { drag: { x: true, y: false, setScale: !o.onZoom } },
    series: [
      {},
      ...o.lines.map((l) => ({ label: l.label, stroke: l.color, width: l.width ?? 1.5, dash: l.dash, fill: l.fill, spanGaps: false })),
    ],
    scales: o.xRange ? { x: { time: true, range: o.xRange } } : undefined,
    bands: o.bands?.map((b) => ({ series: [b.lines[0] + 1, b.lines[1] + 1] as [number, number], fill: b.fill })),
    axes: [{}, { size: 60 }],
    hooks: {
      draw: [
        (u) => {
          const ms = o.markers?.() ?? [];
          const ctx = u.ctx;
          ctx.save();
          ctx.lineWidth = 2;
          // Labels of markers close together step down a line each, so they stay readable.
          let lastRight = Number.NEGATIVE_INFINITY;
          let row = 0;
          for (const m of ms) {
            const x = Math.round(u.valToPos(m.ts, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = m.color;
            ctx.setLineDash(m.dash ?? []);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            if (m.label) {
              ctx.fillStyle = m.color;
              ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
              // Near the right edge the label goes left of its line.
              const w = ctx.measureText(m.label).width;
              const lx = x + 4 + w > u.bbox.left + u.bbox.width ? x - 4 - w : x + 4;
              row = lx < lastRight + 8 ? row + 1 : 0;
              lastRight = Math.max(lastRight, lx + w);
              ctx.fillText(m.label, lx, u.bbox.top + (12 + 14 * row) * devicePixelRatio);
            }
          }
          ctx.restore();
        },
      ],
      setSelect: [
        (u) => {
          if (!o.onZoom || u.select.width < 5) return;
          const from = u.posToVal(u.select.left, 'x');
          const to = u.posToVal(u.select.left + u.select.width, 'x');
          o.onZoom(Math.floor(from), Math.ceil(to));
        },
      ],
    },
  };
  return new uPlot(opts, o.data, el);
}

/** A small sparkline on a canvas (cheap enough for hundreds on one page). */
export function sparkline(values: Array<number | null>, color = '#3a6ee8', w = 160, hgt = 36): HTMLCanvasElement {
  const c = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  c.width = w * dpr;
  c.height = hgt * dpr;
  c.style.width = `${w}px`;
  c.style.height = `${hgt}px`;
  const ctx = c.getContext('2d');
  const vs = values.filter((v): v is number => v !== null);
  if (!ctx || vs.length < 2) return c;
  const max = Math.max(...vs);
  const min = Math.min(0, ...vs);
  const span = max - min || 1;
  ctx.scale(dpr, dpr);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, i) => {
    if (v === null) return;
    const x = (i / (values.length - 1)) * (w - 2) + 1;
    const y = hgt - 2 - ((v - min) / span) * (hgt - 4);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
  return c;
}
