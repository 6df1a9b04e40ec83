/** @module Route labels for requests without a router: ids in paths folded to `:id`, distinct labels capped. */

const ID = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}|(?=.*\d)[\w-]{20,})$/i;
const MAX_SEGMENTS = 8;

/**
 * `/users/42/orders?x=1` → `/users/:id/orders`.
 * @example
 * normalizePath('/users/42/orders?x=1'); // '/users/:id/orders'
 */
export function normalizePath(url: string | undefined): string {
  const path = (url ?? '/').split(/[?#]/)[0] ?? '/';
  const parts = path.split('/').slice(0, MAX_SEGMENTS + 1);
  return parts.map((p) => (ID.test(p) ? ':id' : p)).join('/') || '/';
}

/** Keeps at most `max` distinct labels; later new ones become `(other)` so a scan cannot explode the series. */
export function createRouteCap(max: number): (label: string) => string {
  const seen = new Set<string>();
  return (label) => {
    if (seen.has(label)) return label;
    if (seen.size >= max) return '(other)';
    seen.add(label);
    return label;
  };
}
