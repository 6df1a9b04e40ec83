/** @module Validation of channels sent to the API, and their display with secrets masked. */
import { type Outcome, ok, reject } from '../kernel/index.js';
import type { Channel, ChannelConfig } from './types.js';

const bad = (msg: string): Outcome<Channel> => reject('request.invalid_body', msg);
const isUrl = (v: unknown) => {
  if (typeof v !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

/** Validates `{name, kind: webhook|slack|email, ...settings}`. */
export function validateChannel(b: unknown): Outcome<Channel> {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return bad('Send a JSON object describing the channel.');
  const o = b as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.length < 1 || o.name.length > 100) return bad('`name` must be 1-100 characters.');
  let config: ChannelConfig;
  if (o.kind === 'webhook') {
    if (!isUrl(o.url)) return bad('A webhook needs an http(s) `url`.');
    if (o.secret !== undefined && (typeof o.secret !== 'string' || o.secret.length < 8))
      return bad('`secret` must be a string of at least 8 characters.');
    config = { kind: 'webhook', url: o.url as string, ...(o.secret ? { secret: o.secret as string } : {}) };
  } else if (o.kind === 'slack') {
    if (!isUrl(o.url)) return bad('A Slack channel needs the incoming-webhook `url`.');
    config = { kind: 'slack', url: o.url as string };
  } else if (o.kind === 'email') {
    const to = typeof o.to === 'string' ? [o.to] : o.to;
    if (typeof o.host !== 'string' || !o.host) return bad('An email channel needs the SMTP `host`.');
    if (!Number.isInteger(o.port) || (o.port as number) < 1 || (o.port as number) > 65535)
      return bad('`port` must be the SMTP port (e.g. 587).');
    if (typeof o.from !== 'string' || !o.from.includes('@')) return bad('`from` must be an email address.');
    if (!Array.isArray(to) || to.length === 0 || !to.every((x) => typeof x === 'string' && x.includes('@')))
      return bad('`to` must be one or more email addresses.');
    config = {
      kind: 'email',
      host: o.host,
      port: o.port as number,
      from: o.from,
      to: to as string[],
      ...(o.secure === true ? { secure: true } : {}),
      ...(typeof o.user === 'string' ? { user: o.user, pass: typeof o.pass === 'string' ? o.pass : '' } : {}),
    };
  } else return bad('`kind` must be "webhook", "slack" or "email".');
  return ok({ name: o.name, config });
}

/** The channel as the API shows it: secrets masked. */
export function channelView(id: number, c: Channel) {
  const cfg: Record<string, unknown> = { ...c.config };
  for (const k of ['secret', 'pass']) if (cfg[k]) cfg[k] = '***';
  if (c.config.kind === 'slack') cfg.url = c.config.url.replace(/\/[^/]+$/, '/***');
  return { id, name: c.name, ...cfg };
}
