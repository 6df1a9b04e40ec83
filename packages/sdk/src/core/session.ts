/**
 * @module Release health: one session per page view, sent as Sentry `session` items: `init` when
 * it starts, then its end with its error count: `exited`, or `crashed` at once when an error goes
 * unhandled. Heed's release-health API counts them per release (errored: ended with errors).
 */
import type { Client } from './client.js';
import { uuid } from './util.js';

/**
 * Starts a session for the client's release (none without a release); returns what ends it as `exited`.
 * @example
 * const end = startSession(client);
 * addEventListener('pagehide', end);
 */
export function startSession(client: Client): () => void {
  const { release, environment } = client.options;
  const now = () => new Date().toISOString();
  const s = { sid: uuid(), init: true, started: now(), status: 'ok', errors: 0, attrs: { release, environment } };
  // Sends the session (with a final status: its last send); nothing without a release or once ended.
  const send = (status: string) => {
    if (release && s.status === 'ok') {
      s.status = status;
      client.sendItem({ type: 'session', payload: { ...s, timestamp: now() } });
      s.init = false;
    }
  };
  send('ok');
  client.addDecorator((ev) => {
    const crashed = ev.exception?.values.some((v) => v.mechanism?.handled === false);
    if (crashed || ev.level === 'error' || ev.level === 'fatal') s.errors++;
    if (crashed) send('crashed');
  });
  return () => send('exited');
}
