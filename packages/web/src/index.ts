/** @module @heed/web: the dashboard, bundled on demand (esbuild) and served by the server from memory. */
export { buildDashboard, type Dashboard } from './bundle.js';
