/** @module The few browser globals the SDK touches, typed locally so core code needs no DOM library. */

/** Something that takes event listeners (window, document). */
export interface Target {
  addEventListener(type: string, fn: (ev: never) => void): void;
  removeEventListener(type: string, fn: (ev: never) => void): void;
}

/** The window, as far as the SDK uses it. */
export interface BrowserWindow extends Target {
  navigator?: { sendBeacon?(url: string, data: string): boolean; userAgent?: string };
  location?: { href: string };
  document?: Target & { visibilityState?: string };
}

/** The window, or undefined outside a browser (workers, Node, SSR). */
export function getWindow(): BrowserWindow | undefined {
  const g = globalThis as unknown as Partial<BrowserWindow>;
  return typeof g.addEventListener === 'function' && g.document ? (g as BrowserWindow) : undefined;
}
