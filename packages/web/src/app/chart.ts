/** @module A time-series chart on uPlot, with vertical markers (anomalies, releases) and drag-to-zoom. */
import uPlot from 'uplot';

/** A vertical line at a time (epoch s). */
export interface Marker {
  ts: number;
  color: string;
}

/** One line of the chart. */
export interface Line {
  label: string;
  color: string;
  dash?: number[];
  fill?: string;
}

/** Options of a chart. */
export interface ChartOptions {
  lines: Line[];
  data: uPlot.AlignedData;
  markers?: () => Marker[];
  height?: number;
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
    series: [{}, ...o.lines.map((l) => ({ label: l.label, stroke: l.color, width: 1.5, dash: l.dash, fill: l.fill, spanGaps: false }))],
    axes: [{}, { size: 60 }],
    hooks: {
      draw: [
        (u) => {
          const ms = o.markers?.() ?? [];
          const ctx = u.ctx;
          ctx.save();
          ctx.lineWidth = 2;
          for (const m of ms) {
            const x = Math.round(u.valToPos(m.ts, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = m.color;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
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
