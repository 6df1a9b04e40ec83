/** @module A small Prometheus registry: counters, gauges and histograms with labels, text exposition 0.0.4. */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  keys.sort();
  return keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',');
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** A monotonically increasing counter. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}
/** A value that goes up and down, or is read on scrape. */
export interface Gauge {
  set(value: number, labels?: Labels): void;
}
/** Observations counted into cumulative buckets. */
export interface Histogram {
  observe(value: number, labels?: Labels): void;
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

/** A set of metric families rendered together. */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  gauge(name: string, help: string, collect?: () => Array<[number, Labels?]>): Gauge;
  histogram(name: string, help: string, buckets: number[]): Histogram;
  render(): string;
}

/** Creates an empty registry. */
export function createMetricsRegistry(): MetricsRegistry {
  const families: Family[] = [];
  return {
    counter(name, help) {
      const values = new Map<string, number>();
      families.push({
        name,
        help,
        type: 'counter',
        render: () => [...values].map(([k, v]) => `${name}${k ? `{${k}}` : ''} ${fmt(v)}`),
      });
      return {
        inc(labels = {}, by = 1) {
          const k = labelKey(labels);
          values.set(k, (values.get(k) ?? 0) + by);
        },
        get(labels = {}) {
          return values.get(labelKey(labels)) ?? 0;
        },
      };
    },
    gauge(name, help, collect) {
      const values = new Map<string, number>();
      families.push({
        name,
        help,
        type: 'gauge',
        render: () => {
          if (collect) for (const [v, l] of collect()) values.set(labelKey(l ?? {}), v);
          return [...values].map(([k, v]) => `${name}${k ? `{${k}}` : ''} ${fmt(v)}`);
        },
      });
      return {
        set(value, labels = {}) {
          values.set(labelKey(labels), value);
        },
      };
    },
    histogram(name, help, buckets) {
      const series = new Map<string, { counts: number[]; sum: number; count: number }>();
      families.push({
        name,
        help,
        type: 'histogram',
        render: () => {
          const out: string[] = [];
          for (const [k, s] of series) {
            const sep = k ? `${k},` : '';
            let cum = 0;
            buckets.forEach((b, i) => {
              cum += s.counts[i] ?? 0;
              out.push(`${name}_bucket{${sep}le="${fmt(b)}"} ${cum}`);
            });
            out.push(`${name}_bucket{${sep}le="+Inf"} ${s.count}`);
            out.push(`${name}_sum${k ? `{${k}}` : ''} ${fmt(s.sum)}`);
            out.push(`${name}_count${k ? `{${k}}` : ''} ${s.count}`);
          }
          return out;
        },
      });
      return {
        observe(value, labels = {}) {
          const k = labelKey(labels);
          let s = series.get(k);
          if (!s) {
            s = { counts: new Array(buckets.length).fill(0), sum: 0, count: 0 };
            series.set(k, s);
          }
          const i = buckets.findIndex((b) => value <= b);
          if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
          s.sum += value;
          s.count++;
        },
      };
    },
    render() {
      const lines: string[] = [];
      for (const f of families) {
        lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
