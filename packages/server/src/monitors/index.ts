/**
 * @module Monitors as code: a declaration file validated (`heed verify`), synced idempotently to a
 * project (`heed apply`, diff first), and compared with production (`heed status`).
 */
export { type ApplyHooks, appliedDeclaration, applyDeclaration, type Change, DOC_KINDS, managedIds, planApply } from './apply.js';
export { type Declaration, durationSeconds, type KpiDecl, type Problem, verifyDeclaration } from './declaration.js';
export { monitorStatus, type StatusLine } from './status.js';
