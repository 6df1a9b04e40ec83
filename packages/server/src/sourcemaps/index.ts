/**
 * @module Source maps: minified JavaScript frames back to original files, lines, functions and
 * context. Files are uploaded per release (`~/path` or full URLs, as Sentry names them), kept in
 * the store's documents, also found by the debug id a file carries (in any release), parsed once
 * into a cache bounded by bytes, and applied at ingest before grouping, so two builds of the same
 * code group into one issue.
 */
export type { ArtifactView } from './artifacts.js';
export { createSourceMaps, type SourceMaps, type SourceMapsDeps, type Symbolicate } from './source-maps.js';
