/** @module The CLI's client of a running Heed: finds its URL and admin token, and calls the API. */
import { openStore } from '../store/index.js';
import { configFrom, type OptionSpec, UsageError } from './args.js';

/** Options of every command that talks to a running Heed. */
export const CLIENT_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', desc: 'Heed URL (default: http://<host>:<port>).' },
  host: { type: 'string', desc: 'Host of the running Heed (server.host).', default: '127.0.0.1' },
  port: { type: 'string', desc: 'Port of the running Heed (server.port).', default: '7600' },
  token: { type: 'string', desc: 'Admin token (default: HEED_ADMIN_TOKEN, else read from the data folder).' },
};

/** A connection to a running Heed. */
export interface Client {
  url: string;
  token: string;
  call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

/** Resolves URL and token from flags, env, config and the data folder. */
export async function connect(values: Record<string, string | boolean | undefined>): Promise<Client> {
  const { config } = configFrom(values);
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  const url = ((values.url as string | undefined) ?? `http://${host}:${config.server.port}`).replace(/\/$/, '');
  let token = (values.token as string | undefined) ?? (config.auth.adminToken || undefined);
  if (!token && config.store.kind === 'sqlite') {
    const store = await openStore(config.store);
    token = await store.getMeta('admin_token');
    await store.close();
  }
  if (!token) throw new UsageError('No admin token: pass --token or set HEED_ADMIN_TOKEN.');
  const auth = token;
  return {
    url,
    token,
    async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (err) {
        throw new Error(`Cannot reach Heed at ${url} (${(err as Error).message}). Is it running? Start it with heed start, or pass --url.`);
      }
      const json = (await res.json().catch(() => ({}))) as T & { error?: { code: string; message: string } };
      if (!res.ok) throw new Error(`${res.status} ${json.error?.code ?? ''}: ${json.error?.message ?? 'request failed'}`);
      return json;
    },
  };
}
