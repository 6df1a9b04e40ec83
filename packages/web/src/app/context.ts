/** @module What every page gets: the project, its API path, and a place to register cleanups. */

/** The context of one page render. */
export interface PageCtx {
  projectId: number;
  /** `/api/v1/projects/<id>` */
  base: string;
  /** Route parameters after the page name (e.g. an issue id). */
  params: string[];
  /** Query of the hash route (`#/errors?q=x`). */
  query: URLSearchParams;
  /** Runs when the user leaves the page (close streams, stop timers). */
  onLeave(fn: () => void): void;
  /** True once the user left: async work should stop drawing. */
  left(): boolean;
}

/** A page: draws into `root`. */
export type Page = (root: HTMLElement, ctx: PageCtx) => Promise<void> | void;
