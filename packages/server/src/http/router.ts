/** @module A tiny router: METHOD + path pattern with :params, matched segment by segment. */

/** What a handler gets. */
export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
  route: string;
}

interface Route<H> {
  method: string;
  pattern: string;
  parts: string[];
  handler: H;
}

/** The result of a lookup: a match, a path with other methods, or nothing. */
export type Lookup<H> = { kind: 'match'; match: RouteMatch<H> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

/** A router over handlers of type H. */
export interface Router<H> {
  add(method: string, pattern: string, handler: H): void;
  find(method: string, path: string): Lookup<H>;
}

/** Creates an empty router. */
export function createRouter<H>(): Router<H> {
  const routes: Route<H>[] = [];
  const matchParts = (parts: string[], segs: string[]): Record<string, string> | undefined => {
    if (parts.length !== segs.length) return undefined;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      const s = segs[i] as string;
      if (p.startsWith(':')) {
        if (s === '') return undefined;
        try {
          params[p.slice(1)] = decodeURIComponent(s);
        } catch {
          return undefined;
        }
      } else if (p !== s) return undefined;
    }
    return params;
  };
  return {
    add(method, pattern, handler) {
      routes.push({ method, pattern, parts: pattern.split('/').slice(1), handler });
    },
    find(method, path) {
      const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      const segs = trimmed.split('/').slice(1);
      const allowed: string[] = [];
      for (const r of routes) {
        const params = matchParts(r.parts, segs);
        if (!params) continue;
        if (r.method === method || (method === 'HEAD' && r.method === 'GET')) {
          return { kind: 'match', match: { handler: r.handler, params, route: r.pattern } };
        }
        allowed.push(r.method);
      }
      return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
    },
  };
}
