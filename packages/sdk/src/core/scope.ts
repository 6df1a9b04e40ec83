/** @module The context attached to error events: tags, user, contexts, extra, and a ring of breadcrumbs. */
import type { Breadcrumb, User } from './types.js';
import { seconds } from './util.js';

/** Mutable context of the client. */
export interface Scope {
  tags: Record<string, string>;
  user: User | undefined;
  contexts: Record<string, Record<string, unknown>>;
  extra: Record<string, unknown>;
  breadcrumbs: Breadcrumb[];
  addBreadcrumb(crumb: Breadcrumb): void;
}

/** Creates an empty scope keeping at most `maxBreadcrumbs`. */
export function createScope(maxBreadcrumbs: number): Scope {
  const scope: Scope = {
    tags: {},
    user: undefined,
    contexts: {},
    extra: {},
    breadcrumbs: [],
    addBreadcrumb(crumb) {
      if (maxBreadcrumbs === 0) return;
      scope.breadcrumbs.push({ timestamp: seconds(), ...crumb });
      if (scope.breadcrumbs.length > maxBreadcrumbs) scope.breadcrumbs.shift();
    },
  };
  return scope;
}
