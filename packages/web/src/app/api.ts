/**
 * @module The dashboard's API client: same-origin calls with the session cookie, the CSRF header on
 * every state-changing call, and a `heed:logged-out` event when the session ends.
 */

/** An error answered by Heed, with its stable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = '';

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-heed-csrf'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!res.ok) {
    const err = new HttpError(res.status, data.error?.code ?? 'unknown', data.error?.message ?? `HTTP ${res.status}`);
    if (res.status === 401 && path !== '/api/v1/session') window.dispatchEvent(new Event('heed:logged-out'));
    throw err;
  }
  return data as T;
}

/** GET a path under the API. */
export const get = <T>(path: string) => call<T>('GET', path);
/** POST, PATCH or DELETE with a JSON body. */
export const send = <T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => call<T>(method, path, body);

/** The current session, or false when logged out. */
export async function session(): Promise<boolean> {
  try {
    const s = await call<{ loggedIn: boolean; csrf?: string }>('GET', '/api/v1/session');
    csrf = s.csrf ?? '';
    return s.loggedIn;
  } catch {
    return false;
  }
}

/** Trades the admin token for a session cookie. */
export async function login(token: string): Promise<void> {
  csrf = (await call<{ csrf: string }>('POST', '/api/v1/session', { token })).csrf;
}

/** Ends the session. */
export async function logout(): Promise<void> {
  await call('DELETE', '/api/v1/session');
  csrf = '';
}

/** The base path of a project's API. */
export const projectPath = (id: number) => `/api/v1/projects/${id}`;
