/**
 * A small Prometheus metrics registry (counters, gauges, histograms with
 * labels) rendered in the text exposition format for /metrics. Injected into
 * components, never a module-level singleton, so tests can run instances side
 * by side.
 */

type Labels = Readonly<Record<string, string>>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}="${labels[k].replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',');
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}
export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}
export interface Histogram {
  observe(value: number, labels?: Labels): void;
  count(labels?: Labels): number;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

/** Default histogram buckets, in seconds: 5 ms to 10 min. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export class MetricsRegistry {
  readonly #families = new Map<string, Family>();
  /** Called before rendering, to refresh gauges computed on demand. */
  readonly #collectors: Array<() => void> = [];

  #add<F extends Family>(f: F): F {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(f.name)) throw new Error(`bad metric name ${f.name}`);
    if (this.#families.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.#families.set(f.name, f);
    return f;
  }

  /** Registers a function run before each exposition (e.g. to set gauges from live state). */
  onCollect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  counter(name: string, help: string): Counter {
    const values = new Map<string, number>();
    this.#add({
      name,
      help,
      type: 'counter',
      render: () => [...values].map(([k, v]) => `${name}${k ? `{${k}}` : ''} ${fmt(v)}`),
    });
    return {
      inc: (labels = {}, by = 1) => {
        const k = labelKey(labels);
        values.set(k, (values.get(k) ?? 0) + by);
      },
      get: (labels = {}) => values.get(labelKey(labels)) ?? 0,
    };
  }

  gauge(name: string, help: string): Gauge {
    const values = new Map<string, number>();
    this.#add({
      name,
      help,
      type: 'gauge',
      render: () => [...values].map(([k, v]) => `${name}${k ? `{${k}}` : ''} ${fmt(v)}`),
    });
    const add = (labels: Labels, by: number) => {
      const k = labelKey(labels);
      values.set(k, (values.get(k) ?? 0) + by);
    };
    return {
      set: (value, labels = {}) => void values.set(labelKey(labels), value),
      inc: (labels = {}, by = 1) => add(labels, by),
      dec: (labels = {}, by = 1) => add(labels, -by),
      get: (labels = {}) => values.get(labelKey(labels)) ?? 0,
    };
  }

  histogram(name: string, help: string, buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    const series = new Map<string, { counts: number[]; sum: number; count: number }>();
    this.#add({
      name,
      help,
      type: 'histogram',
      render: () => {
        const out: string[] = [];
        for (const [k, s] of series) {
          const sep = k ? `${k},` : '';
          let cumulative = 0;
          buckets.forEach((b, i) => {
            cumulative += s.counts[i];
            out.push(`${name}_bucket{${sep}le="${fmt(b)}"} ${cumulative}`);
          });
          out.push(`${name}_bucket{${sep}le="+Inf"} ${s.count}`);
          out.push(`${name}_sum${k ? `{${k}}` : ''} ${fmt(s.sum)}`);
          out.push(`${name}_count${k ? `{${k}}` : ''} ${s.count}`);
        }
        return out;
      },
    });
    return {
      observe: (value, labels = {}) => {
        const k = labelKey(labels);
        const s = series.get(k) ?? { counts: buckets.map(() => 0), sum: 0, count: 0 };
        series.set(k, s);
        const i = buckets.findIndex((b) => value <= b);
        if (i >= 0) s.counts[i]++;
        s.sum += value;
        s.count++;
      },
      count: (labels = {}) => series.get(labelKey(labels))?.count ?? 0,
    };
  }

  /** The text exposition format (version 0.0.4). */
  render(): string {
    for (const c of this.#collectors) c();
    const out: string[] = [];
    for (const f of this.#families.values()) {
      out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${out.join('\n')}\n`;
  }
}
