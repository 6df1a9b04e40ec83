/** @module The heed command line. */
export { runCli } from './main.js';
