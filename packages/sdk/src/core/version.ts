/** @module The SDK version sent with every request. */

/** Version of `@heed/sdk`. */
export const SDK_VERSION = '0.1.0';
