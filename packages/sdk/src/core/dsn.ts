/** @module Parsing the DSN `http://<key>@<host>:<port>[/prefix]/<projectId>` into the two ingest URLs. */

/** Where and how to send. */
export interface Dsn {
  key: string;
  projectId: string;
  host: string;
  /** `POST` business events here (no credentials in it). */
  eventsUrl: string;
  /** Sentry envelope endpoint, with `sentry_key` auth in the query. */
  envelopeUrl: string;
}

/**
 * Parses a DSN; undefined when it is not one (the SDK then stays inert rather than throwing).
 * @example
 * parseDsn('http://abc123@127.0.0.1:7600/1')?.eventsUrl; // 'http://127.0.0.1:7600/api/1/events'
 */
export function parseDsn(dsn: string, client = 'heed.javascript/0'): Dsn | undefined {
  const m = /^(https?):\/\/(\w+)(?::\w+)?@([^/?#]+)(\/[^?#]*)?\/(\d+)$/.exec(dsn.trim());
  if (!m) return undefined;
  const [, scheme, key = '', host = '', prefix = '', projectId = ''] = m;
  const base = `${scheme}://${host}${prefix}/api/${projectId}`;
  return {
    key,
    projectId,
    host,
    eventsUrl: `${base}/events`,
    envelopeUrl: `${base}/envelope/?sentry_version=7&sentry_key=${key}&sentry_client=${encodeURIComponent(client)}`,
  };
}
