/** @module The Storage interface every backend implements, and the rows it moves. */
import type { ErrorStore } from './error-types.js';

/** A project: its data is isolated from every other project's. */
export interface Project {
  id: number;
  name: string;
  /** The ingest key (letters, digits, `_`), as the DSN's public key. */
  key: string;
  createdAt: number;
}

/** One series: a KPI under one combination of tags. */
export interface SeriesRow {
  id: number;
  projectId: number;
  kpi: string;
  type: 'count' | 'gauge';
  /** Canonical tag string ('' for the untagged series, '\u0000other' for the fold-over series). */
  tagKey: string;
  tags: Record<string, string>;
  /** True for the series that holds tag combinations beyond the cardinality limit. */
  other: boolean;
  createdAt: number;
}

/** An aggregate over one bucket of time: what a per-second bucket, or a rollup, holds. */
export interface Aggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** The latest value by event time (gauges read this). */
  last: number;
  lastTs: number;
}

/** A change to one per-second bucket of one series. */
export interface BucketDelta extends Aggregate {
  seriesId: number;
  /** Epoch seconds of the bucket's start. */
  ts: number;
}

/** Accepted events of one request, kept raw for drill-down. */
export interface RawBatch {
  projectId: number;
  receivedAt: number;
  minTs: number;
  maxTs: number;
  n: number;
  /** JSON array of the normalized events: {name, ts, value, count, type, tags}. */
  events: string;
}

/** What one group commit writes, atomically. */
export interface CommitBatch {
  series: SeriesRow[];
  raw: RawBatch[];
  buckets: BucketDelta[];
}

/** Bucket sizes, in seconds, that the store keeps. */
export type Resolution = 1 | 60 | 3600;
export const RESOLUTIONS: readonly Resolution[] = [1, 60, 3600];

/** A read of buckets, grouped to `step` seconds (a multiple of `resolution`). */
export interface BucketQuery {
  seriesIds: number[];
  resolution: Resolution;
  /** Epoch seconds, inclusive. */
  from: number;
  /** Epoch seconds, exclusive. */
  to: number;
  step: number;
}

/** One row of a bucket read. */
export interface BucketRow extends Aggregate {
  seriesId: number;
  ts: number;
}

/** Cut-offs for pruning: rows older than these go. */
export interface PruneCutoffs {
  rawReceivedBeforeMs: number;
  /** Epoch seconds per resolution. */
  bucketsBefore: Record<Resolution, number>;
}

/** The store. Every backend passes the shared contract suite (contract.test-suite.ts). */
export interface Storage {
  readonly kind: string;
  /** Error tracking: issues, their events and breakdowns (error-types.ts). */
  readonly errors: ErrorStore;
  init(): Promise<void>;
  close(): Promise<void>;
  /** True when the store answers (readiness). */
  ping(): Promise<boolean>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  createProject(name: string, key: string, createdAt: number): Promise<Project>;
  listProjects(): Promise<Project[]>;
  getProject(id: number): Promise<Project | undefined>;
  findProjectByKey(key: string): Promise<Project | undefined>;
  setProjectKey(id: number, key: string): Promise<Project | undefined>;
  loadSeries(): Promise<SeriesRow[]>;
  /** Writes series, raw batches and bucket deltas (with their rollups) in one transaction. */
  commit(batch: CommitBatch): Promise<void>;
  readBuckets(q: BucketQuery): Promise<BucketRow[]>;
  /** Raw batches of a project that may hold events in [fromMs, toMs), newest first. */
  readRaw(projectId: number, fromMs: number, toMs: number, limit: number): Promise<RawBatch[]>;
  prune(cutoffs: PruneCutoffs): Promise<number>;
  /** Documents: low-volume configuration and state (incidents, channels, rules, outbox). */
  insertDoc<T>(kind: string, projectId: number, body: T, now: number): Promise<Doc<T>>;
  updateDoc<T>(kind: string, id: number, body: T, now: number): Promise<Doc<T> | undefined>;
  getDoc<T>(kind: string, id: number): Promise<Doc<T> | undefined>;
  /** Documents of a kind, optionally of one project, by id. */
  listDocs<T>(kind: string, projectId?: number): Promise<Doc<T>[]>;
  deleteDoc(kind: string, id: number): Promise<boolean>;
}

/** A stored document; ids count up per kind from 1. */
export interface Doc<T> {
  kind: string;
  id: number;
  projectId: number;
  body: T;
  updatedAt: number;
}
