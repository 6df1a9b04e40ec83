/** @module Checks and heartbeats: a placeholder until the checks room serves its API. */
import { card, fill, h } from '../dom.js';

/** Draws the placeholder. */
export function checksPage(root: HTMLElement): void {
  fill(
    root,
    h('h1', null, 'Checks and heartbeats'),
    card(
      'Coming soon',
      h('p', null, 'Uptime checks (HTTP, TCP) and heartbeats (cron jobs checking in) are being built now.'),
      h('p', null, 'This page will show each check\u2019s state, its latency history, and missed heartbeats.'),
      h('p', { class: 'muted' }, 'Heartbeats already reach Heed from the SDK (checkIn, monitor); their incidents appear under Incidents.'),
    ),
  );
}
