/** @module Whether debug logging is compiled in: bundlers define `__HEED_DEBUG__` as false to shed it. */

declare const __HEED_DEBUG__: boolean | undefined;

/** True unless the bundle was built with `__HEED_DEBUG__: false`. */
export const DEBUG_BUILD: boolean = typeof __HEED_DEBUG__ === 'undefined' || __HEED_DEBUG__;
