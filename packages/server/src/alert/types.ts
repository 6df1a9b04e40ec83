/** @module The alert room's vocabulary: signals in, incidents with their timeline, rules, routes, silences. */

/** How urgent: critical pages, warning notifies, info is recorded only. */
export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** Where a signal comes from. */
export type SignalSource = 'kpi' | 'rule' | 'error' | 'check';

/** One observation: something is wrong (firing) or fine again (recovered). */
export interface Signal {
  projectId: number;
  /** Stable identity of what is watched, e.g. `kpi:12`, `rule:3`, `error:issue:5`. */
  key: string;
  source: SignalSource;
  firing: boolean;
  /** When it was observed (ms). */
  ts: number;
  /** Estimated start of the problem (ms), when the source knows it. */
  onsetTs?: number;
  severity: Severity;
  title: string;
  explanation: string;
  tags: Record<string, string>;
  /** The KPI or rule name it is about, for silences and display. */
  subject?: string;
}

/** One alert inside an incident: the life of one signal key. */
export interface AlertRecord {
  key: string;
  source: SignalSource;
  severity: Severity;
  title: string;
  explanation: string;
  tags: Record<string, string>;
  subject?: string;
  state: 'firing' | 'recovering' | 'resolved';
  firstFiredAt: number;
  lastFiredAt: number;
  /** Estimated start of the problem (ms), when the signal said. */
  onsetAt?: number;
  recoveringSince?: number;
  /** Times it went from recovering back to firing (flapping). */
  flaps: number;
}

/** What happened to an incident, in order. */
export interface TimelineEntry {
  ts: number;
  type:
    | 'triggered'
    | 'alert'
    | 'refired'
    | 'recovering'
    | 'notified'
    | 'delivery_failed'
    | 'silenced'
    | 'escalated'
    | 'repeated'
    | 'acknowledged'
    | 'resolved'
    | 'reopened'
    | 'cause';
  text: string;
}

/** An incident: related alerts that started together, paged once. */
export interface Incident {
  id: number;
  projectId: number;
  status: 'triggered' | 'acknowledged' | 'resolved';
  title: string;
  severity: Severity;
  alerts: AlertRecord[];
  /** Estimated start of the problem (ms). */
  onsetAt: number;
  /** When Heed raised the first alert (ms). */
  detectedAt: number;
  notifiedAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  reopened: number;
  lastPagedAt?: number;
  /**
   * A page decided but not yet known to be queued: stored with the new incident, cleared once the
   * page is in the outbox. A crash in between leaves it for the next load (a restart or a new
   * leader) to send, so no incident goes unpaged.
   */
  pageOwed?: NotifyIntent['event'];
  escalated: boolean;
  timeline: TimelineEntry[];
  /** With alerts of several kinds: the one that probably started it (see probable-cause.ts). */
  probableCause?: ProbableCause;
  /** The release in force when the problem started (from the releases room). */
  release?: string;
}

/** The alert named as an incident's probable first cause, with a sentence that says why. */
export interface ProbableCause {
  key: string;
  title: string;
  onsetAt: number;
  text: string;
}

/** A rule a user writes: a threshold on a KPI over a window, or its absence. */
export interface Rule {
  name: string;
  kpi: string;
  kind: 'threshold' | 'absence';
  /** Only series with these tags. */
  where?: Record<string, string>;
  agg: 'count' | 'sum' | 'mean' | 'min' | 'max' | 'last' | 'rate';
  op: '>' | '>=' | '<' | '<=';
  threshold: number;
  windowSeconds: number;
  /** How long the condition must hold before it fires. */
  forSeconds: number;
  severity: Severity;
}

/** A route: which channels get incidents that match, and how to escalate. */
export interface Route {
  /** Matches when every given field matches; empty matches all. */
  match: { severities?: Severity[]; tags?: Record<string, string>; sources?: SignalSource[] };
  channels: number[];
  /** Unacknowledged after this many minutes: notify `escalateTo` too. */
  escalateAfterMinutes?: number;
  escalateTo?: number[];
}

/** A silence or maintenance window: matching alerts notify nobody while it lasts. */
export interface Silence {
  /** Matches alerts whose tags include these, and whose key starts with `keyPrefix` if given. */
  match: { tags?: Record<string, string>; keyPrefix?: string; subject?: string };
  startsAt: number;
  endsAt: number;
  comment: string;
}

/** Settings of the alert engine. */
export interface AlertSettings {
  /** A recovered alert stays `recovering` this long before it counts as resolved (hysteresis). */
  resolveAfterSeconds: number;
  /** A signal that fires again this soon after its incident resolved reopens it. */
  reopenWindowMinutes: number;
  /** Re-page an unacknowledged, still-firing incident this often (0: never). */
  repeatMinutes: number;
}

/** What the engine asks the notifier to send. */
export interface NotifyIntent {
  incident: Incident;
  event: 'triggered' | 'reopened' | 'repeated' | 'escalated' | 'resolved' | 'acknowledged';
  channels: number[];
}
