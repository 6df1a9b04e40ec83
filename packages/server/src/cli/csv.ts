/** @module A small RFC 4180 line splitter for imports (quoted fields, doubled quotes). */

/** Splits one CSV line into fields. Newlines inside quotes are not supported (one record a line). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur.endsWith('\r') ? cur.slice(0, -1) : cur);
  return out;
}

const TS_COLS = new Set(['ts', 'timestamp', 'time']);

/** Turns CSV rows into events: a `name` column, or `defaultName` for `timestamp,value` series files. */
export function csvRowToEvent(
  header: string[],
  fields: string[],
  opts: { name?: string; kind: 'count' | 'gauge' },
): Record<string, unknown> {
  const ev: Record<string, unknown> = {};
  const tags: Record<string, string> = {};
  header.forEach((col, i) => {
    const v = fields[i] ?? '';
    if (v === '') return;
    if (col === 'name') ev.name = v;
    else if (TS_COLS.has(col)) ev.ts = /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    else if (col === 'value') ev.value = Number(v);
    else if (col === 'count') ev.count = Number(v);
    else if (col === 'type') ev.type = v;
    else tags[col.replace(/^tags?\./, '')] = v;
  });
  if (ev.name === undefined && opts.name) ev.name = opts.name;
  if (ev.type === undefined && opts.kind === 'gauge') ev.type = 'gauge';
  // A `timestamp,value` file of a counted KPI holds counts per interval: pre-counted records.
  if (!header.includes('name') && opts.kind === 'count' && ev.count === undefined && typeof ev.value === 'number') {
    ev.count = ev.value;
    delete ev.value;
  }
  if (Object.keys(tags).length > 0) ev.tags = tags;
  return ev;
}
