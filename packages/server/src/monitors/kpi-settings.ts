/**
 * @module A KPI's detection settings: direction (drop, spike, both) and sensitivity (low, medium,
 * high, or a number of false alarms per week), as declared in the monitors file or set through the
 * API, turned into detector options. The API's setting wins over the file's, field by field.
 */
import { type Direction, KIND_DEFAULTS, type SeriesKind } from '../detect/index.js';

/** A sensitivity: a word, or the false alarms per week one accepts on a normal series. */
export type Sensitivity = 'low' | 'medium' | 'high' | number;

/** Settings of one KPI; a field left out takes the kind's default. */
export interface KpiSettings {
  direction?: Direction;
  sensitivity?: Sensitivity;
}

/** False alarms per week of the words; `medium` is the kind's default (KIND_DEFAULTS). */
export const SENSITIVITY_WORDS: Readonly<Record<'low' | 'high', number>> = Object.freeze({ low: 0.1, high: 3 });

const DIRECTIONS: readonly Direction[] = ['drop', 'spike', 'both'];
const WORDS = ['low', 'medium', 'high'];
/** Bounds of a numeric sensitivity: one false alarm in ~20 years up to ten a day. */
const MIN_FA = 0.001;
const MAX_FA = 70;

/** The false alarms per week a sensitivity means for a kind of series. */
export function falseAlarmsPerWeek(s: Sensitivity | undefined, kind: SeriesKind): number {
  if (typeof s === 'number') return s;
  if (s === 'low' || s === 'high') return SENSITIVITY_WORDS[s];
  return KIND_DEFAULTS[kind].falseAlarmsPerWeek;
}

/** Why a sensitivity is not valid, or undefined when it is. */
export function sensitivityProblem(v: unknown): string | undefined {
  if (typeof v === 'number') {
    return Number.isFinite(v) && v >= MIN_FA && v <= MAX_FA
      ? undefined
      : `\`sensitivity\` as a number is false alarms per week, from ${MIN_FA} to ${MAX_FA}.`;
  }
  return typeof v === 'string' && WORDS.includes(v)
    ? undefined
    : '`sensitivity` must be "low", "medium", "high" or a number of false alarms per week (e.g. 0.5).';
}

/** Validates a settings body (`{"direction": ..., "sensitivity": ...}`, both optional). */
export function validateKpiSettings(body: unknown): { ok: true; value: KpiSettings } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, message: 'Send {"direction": "drop"|"spike"|"both", "sensitivity": "low"|"medium"|"high"|number}.' };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).find((k) => k !== 'direction' && k !== 'sensitivity');
  if (extra) return { ok: false, message: `Unknown field '${extra}'; allowed: direction, sensitivity.` };
  const value: KpiSettings = {};
  if (b.direction !== undefined && b.direction !== null) {
    if (!DIRECTIONS.includes(b.direction as Direction)) return { ok: false, message: '`direction` must be "drop", "spike" or "both".' };
    value.direction = b.direction as Direction;
  }
  if (b.sensitivity !== undefined && b.sensitivity !== null) {
    const problem = sensitivityProblem(b.sensitivity);
    if (problem) return { ok: false, message: problem };
    value.sensitivity = b.sensitivity as Sensitivity;
  }
  return { ok: true, value };
}

/** The settings in force and where each came from. */
export interface EffectiveSettings {
  kpi: string;
  kind: SeriesKind;
  direction: Direction;
  sensitivity: Sensitivity;
  falseAlarmsPerWeek: number;
  source: { direction: Source; sensitivity: Source };
  /** What the API set (null when nothing): `PUT .../settings` with `{}` clears it. */
  override: KpiSettings | null;
}

type Source = 'api' | 'declaration' | 'default';

/** Merges the API's override over the declaration, field by field. */
export function effectiveSettings(
  kpi: string,
  kind: SeriesKind,
  declared: KpiSettings | undefined,
  override: KpiSettings | undefined,
): EffectiveSettings {
  const pick = <K extends keyof KpiSettings>(k: K): [KpiSettings[K], Source] =>
    override?.[k] !== undefined
      ? [override[k], 'api']
      : declared?.[k] !== undefined
        ? [declared[k], 'declaration']
        : [undefined, 'default'];
  const [direction, dSource] = pick('direction');
  const [sensitivity, sSource] = pick('sensitivity');
  return {
    kpi,
    kind,
    direction: direction ?? KIND_DEFAULTS[kind].direction,
    sensitivity: sensitivity ?? 'medium',
    falseAlarmsPerWeek: falseAlarmsPerWeek(sensitivity, kind),
    source: { direction: dSource, sensitivity: sSource },
    override: override && Object.keys(override).length > 0 ? override : null,
  };
}
