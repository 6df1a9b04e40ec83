/**
 * @module Settings: the project's key and DSN, notification channels (with "send test"), routes,
 * silences and rules. New items are written as the JSON the API takes, prefilled with an example.
 */
import { get, HttpError, send } from '../api.js';
import type { PageCtx } from '../context.js';
import { button, card, fill, h, table } from '../dom.js';

type Doc = { id: number; name?: string; kind?: string } & Record<string, unknown>;

const EXAMPLES: Record<string, unknown> = {
  channels: { name: 'ops', kind: 'webhook', url: 'https://example.com/heed-hook', secret: 'change-me' },
  routes: { match: { severities: ['critical'] }, channels: [1], escalateAfterMinutes: 15, escalateTo: [] },
  silences: { match: { subject: 'checkout.completed' }, endsAt: new Date(Date.now() + 3600_000).toISOString(), comment: 'maintenance' },
  rules: { name: 'No checkouts', kpi: 'checkout.completed', kind: 'absence', windowSeconds: 120 },
};

const summary = (d: Doc) => {
  const { id: _id, ...rest } = d;
  return h('code', { class: 'json' }, JSON.stringify(rest));
};

/** Draws the settings page. */
export async function settingsPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  const project = await get<{ id: number; name: string; key: string; dsn: string }>(ctx.base);
  const sections = await Promise.all(
    ['channels', 'routes', 'silences', 'rules'].map((p) => docsSection(ctx, p, () => settingsPage(root, ctx))),
  );
  fill(
    root,
    h('h1', null, 'Settings'),
    card(
      `Project ${project.name}`,
      table(
        ['', ''],
        [
          ['Project id', String(project.id)],
          ['DSN (Sentry SDKs and @heed/sdk)', h('code', { 'data-testid': 'dsn' }, project.dsn)],
          ['Ingest key', h('code', null, project.key)],
        ],
      ),
      button('Rotate key', () => {
        if (window.confirm('Give this project a new ingest key? The old one stops working at once.'))
          void send('POST', `${ctx.base}/rotate-key`).then(() => settingsPage(root, ctx));
      }),
    ),
    sections,
  );
}

async function docsSection(ctx: PageCtx, plural: string, reload: () => void): Promise<HTMLElement> {
  const docs = (await get<Record<string, Doc[]>>(`${ctx.base}/${plural}`))[plural] ?? [];
  const msg = h('p', { class: 'muted', role: 'status' });
  const rowOf = (d: Doc) => [
    String(d.id),
    summary(d),
    h(
      'div',
      { class: 'actions' },
      plural === 'channels'
        ? button('Send test', () => {
            msg.textContent = 'Sending…';
            void send<{ delivered: boolean; error?: string }>('POST', `${ctx.base}/channels/${d.id}/test`).then(
              (r) => {
                msg.textContent = r.delivered ? `Test delivered to ${d.name ?? d.id}.` : `Not delivered: ${r.error ?? 'unknown error'}`;
              },
              (err: unknown) => {
                msg.textContent = String(err);
              },
            );
          })
        : null,
      button(
        'Delete',
        () => void send('DELETE', `${ctx.base}/${plural}/${d.id}`).then(reload, (err: unknown) => (msg.textContent = String(err))),
      ),
    ),
  ];
  const area = h('textarea', { rows: 4, cols: 80, 'aria-label': `New ${plural}`, spellcheck: 'false' });
  area.value = JSON.stringify(EXAMPLES[plural], null, 1);
  const add = button(`Add`, () => {
    let body: unknown;
    try {
      body = JSON.parse(area.value);
    } catch (err) {
      msg.textContent = `Not valid JSON: ${(err as Error).message}`;
      return;
    }
    send('POST', `${ctx.base}/${plural}`, body).then(reload, (err: unknown) => {
      msg.textContent = err instanceof HttpError ? `${err.code}: ${err.message}` : String(err);
    });
  });
  const title = plural[0]?.toUpperCase() + plural.slice(1);
  return card(
    `${title} (${docs.length})`,
    docs.length ? table(['#', plural.slice(0, -1), ''], docs.map(rowOf)) : h('p', { class: 'muted' }, `No ${plural} yet.`),
    h('details', null, h('summary', null, `Add to ${plural}`), area, h('div', null, add)),
    msg,
  );
}
