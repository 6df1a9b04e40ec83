/** @module Signed acknowledgement links: an incident id and an expiry, HMAC-SHA256 with a server secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const sign = (secret: string, id: number, exp: number) => createHmac('sha256', secret).update(`ack.${id}.${exp}`).digest('base64url');

/** A link that acknowledges incident `id` until `exp` (epoch ms). */
export function ackLink(baseUrl: string, secret: string, id: number, exp: number): string {
  return `${baseUrl.replace(/\/$/, '')}/ack/${id}?exp=${exp}&sig=${sign(secret, id, exp)}`;
}

/** True when `sig` is the signature of (id, exp) and the link has not expired at `now`. */
export function verifyAck(secret: string, id: number, exp: number, sig: string, now: number): boolean {
  if (!Number.isFinite(exp) || exp < now) return false;
  const want = Buffer.from(sign(secret, id, exp));
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}
