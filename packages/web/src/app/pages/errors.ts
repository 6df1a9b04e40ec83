/** @module Errors: issues (filter, search, sort), and one issue with stack trace, breadcrumbs, tags and breakdowns. */
import { get, send } from '../api.js';
import type { PageCtx } from '../context.js';
import { button, card, fill, h, link, table } from '../dom.js';
import { ago, num, when } from '../format.js';

interface Issue {
  id: number;
  title: string;
  culprit: string;
  level: string;
  status: string;
  regressed: boolean;
  firstSeen: number;
  lastSeen: number;
  events: number;
  users: number;
  firstRelease: string;
  lastRelease: string;
}

interface Frame {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  inApp: boolean;
  contextLine?: string;
  /** The minified location, when a source map gave the fields above. */
  raw?: { filename?: string; function?: string; lineno?: number; colno?: number };
}

interface StoredEvent {
  eventId: string;
  ts: number;
  message: string;
  release: string;
  environment: string;
  exceptions: Array<{ type: string; value: string; frames: Frame[] }>;
  breadcrumbs: Array<{ ts: number; category?: string; message?: string; level?: string }>;
  tags: Record<string, string>;
  client: { browser?: { name: string; version?: string }; os?: { name: string; version?: string } };
  request?: { url?: string; method?: string };
}

type Breakdown = Array<{ value: string; count: number; share: number }>;

/** Draws the issues list or one issue. */
export async function errorsPage(root: HTMLElement, ctx: PageCtx): Promise<void> {
  if (ctx.params[0]) return issueDetail(root, ctx, ctx.params[0]);
  const q = ctx.query;
  const params = new URLSearchParams({ status: q.get('status') ?? 'unresolved', sort: q.get('sort') ?? 'lastSeen', limit: '100' });
  if (q.get('q')) params.set('q', q.get('q') as string);
  if (q.get('level')) params.set('level', q.get('level') as string);
  const r = await get<{ issues: Issue[]; total: number }>(`${ctx.base}/issues?${params}`);
  const go = (form: HTMLFormElement) => {
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v) next.set(k, v);
    location.hash = `#/errors?${next}`;
  };
  const sel = (name: string, values: string[], current: string) =>
    h(
      'select',
      { name, 'aria-label': name },
      values.map((v) => h('option', { value: v, selected: v === current }, v || `any ${name}`)),
    );
  const form = h(
    'form',
    {
      class: 'filters',
      on: {
        submit: (e) => {
          e.preventDefault();
          go(e.target as HTMLFormElement);
        },
        change: (e) => go((e.target as HTMLElement).closest('form') as HTMLFormElement),
      },
    },
    h('input', { type: 'search', name: 'q', placeholder: 'Search title or culprit', value: q.get('q') ?? '' }),
    sel('status', ['unresolved', 'resolved', 'resolvedInNextRelease', 'ignored', 'all'], params.get('status') ?? ''),
    sel('level', ['', 'fatal', 'error', 'warning', 'info', 'debug'], q.get('level') ?? ''),
    sel('sort', ['lastSeen', 'firstSeen', 'events', 'users'], params.get('sort') ?? ''),
  );
  fill(
    root,
    h('h1', null, `Errors (${r.total})`),
    form,
    r.issues.length
      ? table(
          ['Issue', 'Events', 'Users', 'Last seen', 'First seen', 'Release'],
          r.issues.map((i) => [
            h(
              'div',
              null,
              link(`#/errors/${i.id}`, i.title),
              i.regressed ? h('span', { class: 'badge alert' }, 'regressed') : null,
              h('div', { class: 'muted' }, i.culprit),
            ),
            num(i.events),
            num(i.users),
            ago(i.lastSeen),
            ago(i.firstSeen),
            i.lastRelease,
          ]),
          'issues',
        )
      : h('p', { class: 'muted' }, 'No issues match.'),
  );
}

async function issueDetail(root: HTMLElement, ctx: PageCtx, id: string): Promise<void> {
  const path = `${ctx.base}/issues/${encodeURIComponent(id)}`;
  const issue = await get<Issue & { breakdowns: Record<string, Breakdown>; latestEvent?: StoredEvent }>(path);
  const setStatus = (status: string) => () => {
    void send('PATCH', path, { status }).then(() => errorsPage(root, ctx));
  };
  const ev = issue.latestEvent;
  fill(
    root,
    h('p', null, link('#/errors', '← Errors')),
    h('h1', { class: 'issue-title', 'data-testid': 'issue-title' }, issue.title),
    h('p', { class: 'muted' }, issue.culprit),
    h(
      'p',
      null,
      h('span', { class: `badge ${issue.status}` }, issue.status),
      ` ${issue.level}, ${num(issue.events)} events, ${num(issue.users)} users, first seen ${when(issue.firstSeen)} (${issue.firstRelease || 'no release'}), last seen ${ago(issue.lastSeen)} (${issue.lastRelease || 'no release'})`,
    ),
    h(
      'div',
      { class: 'actions' },
      issue.status !== 'resolved' ? button('Resolve', setStatus('resolved'), 'primary') : button('Unresolve', setStatus('unresolved')),
      issue.status !== 'resolvedInNextRelease' ? button('Resolve in next release', setStatus('resolvedInNextRelease')) : null,
      issue.status !== 'ignored' ? button('Ignore', setStatus('ignored')) : null,
    ),
    h(
      'div',
      { class: 'breakdowns' },
      Object.entries(issue.breakdowns ?? {})
        .filter(([, rows]) => rows.length > 0)
        .map(([dim, rows]) =>
          card(
            dim,
            table(
              ['Value', 'Events', 'Share'],
              rows.map((b) => [b.value, num(b.count), `${Math.round(b.share * 100)} %`]),
            ),
          ),
        ),
    ),
    ev ? eventView(ev) : h('p', { class: 'muted' }, 'The latest event is no longer stored.'),
  );
}

function eventView(ev: StoredEvent): HTMLElement {
  const ex = ev.exceptions;
  return h(
    'div',
    null,
    card(
      'Stack trace',
      ev.message ? h('p', null, ev.message) : null,
      ex.length === 0 ? h('p', { class: 'muted' }, 'No stack trace.') : null,
      [...ex].reverse().map((e) =>
        h(
          'div',
          { class: 'exception' },
          h('p', null, h('strong', null, e.type), ': ', h('span', { class: 'exception-value' }, e.value)),
          h(
            'ol',
            { class: 'frames' },
            [...e.frames]
              .reverse()
              .map((f) =>
                h(
                  'li',
                  { class: f.inApp ? 'in-app' : 'lib' },
                  h('code', null, `${f.function ?? '?'}  ${f.filename ?? ''}:${f.lineno ?? '?'}:${f.colno ?? '?'}`),
                  f.contextLine ? h('pre', null, f.contextLine) : null,
                  f.raw
                    ? h(
                        'div',
                        { class: 'muted' },
                        `minified: ${f.raw.function ?? '?'}  ${f.raw.filename ?? ''}:${f.raw.lineno ?? '?'}:${f.raw.colno ?? '?'}`,
                      )
                    : null,
                ),
              ),
          ),
        ),
      ),
    ),
    card(
      `Breadcrumbs (${ev.breadcrumbs.length})`,
      ev.breadcrumbs.length
        ? table(
            ['Time', 'Category', 'Message', 'Level'],
            ev.breadcrumbs.map((b) => [when(b.ts), b.category ?? '', b.message ?? '', b.level ?? '']),
          )
        : h('p', { class: 'muted' }, 'None.'),
    ),
    card(
      'Tags',
      table(
        ['Tag', 'Value'],
        [
          ['release', ev.release],
          ['environment', ev.environment],
          ['browser', [ev.client.browser?.name, ev.client.browser?.version].filter(Boolean).join(' ')],
          ['os', [ev.client.os?.name, ev.client.os?.version].filter(Boolean).join(' ')],
          ['url', ev.request?.url ?? ''],
          ...Object.entries(ev.tags),
        ].filter(([, v]) => v),
      ),
    ),
  );
}
