/** @module Secrets kept in the store's meta: the admin token and signing keys, made once. */
import { randomBytes } from 'node:crypto';
import type { Storage } from './types.js';

/** The secret under `key`, generated (URL-safe, 256 bits) and saved on first use. */
export async function secretFor(store: Storage, key: string, make = () => randomBytes(32).toString('base64url')): Promise<string> {
  const saved = await store.getMeta(key);
  if (saved) return saved;
  const secret = make();
  await store.setMeta(key, secret);
  return secret;
}

/** The admin token: the configured one, else the one generated on first start. */
export function adminTokenFor(store: Storage, configured: string): Promise<string> {
  if (configured) return Promise.resolve(configured);
  return secretFor(store, 'admin_token', () => `heed_${randomBytes(24).toString('hex')}`);
}
