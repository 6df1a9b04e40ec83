/** @module The dashboard's entry: login, the project switcher, navigation and a hash router. */
import { get, HttpError, logout, projectPath, session } from './api.js';
import type { Page, PageCtx } from './context.js';
import { fill, h } from './dom.js';
import { checksPage } from './pages/checks.js';
import { errorsPage } from './pages/errors.js';
import { incidentsPage } from './pages/incidents.js';
import { kpiPage } from './pages/kpi.js';
import { loginPage } from './pages/login.js';
import { overviewPage } from './pages/overview.js';
import { releasesPage } from './pages/releases.js';
import { settingsPage } from './pages/settings.js';

interface Project {
  id: number;
  name: string;
}

const PAGES: Array<[string, string, Page]> = [
  ['overview', 'Overview', overviewPage],
  ['kpi', 'KPIs', kpiPage],
  ['errors', 'Errors', errorsPage],
  ['incidents', 'Incidents', incidentsPage],
  ['checks', 'Checks', checksPage],
  ['releases', 'Releases', releasesPage],
  ['settings', 'Settings', settingsPage],
];

const app = document.getElementById('app') as HTMLElement;
let projects: Project[] = [];
let projectId = Number(localStorage.getItem('heed.project')) || 0;
let leave: Array<() => void> = [];
let generation = 0;

function parseHash(): { page: string; params: string[]; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', q = ''] = raw.split('?');
  const [page = 'overview', ...params] = path.split('/').map(decodeURIComponent);
  return { page: page || 'overview', params, query: new URLSearchParams(q) };
}

async function render(): Promise<void> {
  for (const fn of leave) fn();
  leave = [];
  const gen = ++generation;
  const { page, params, query } = parseHash();
  const entry = PAGES.find(([k]) => k === page) ?? PAGES[0];
  if (!entry) return;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('data-page') === entry[0]);
  const root = document.getElementById('page') as HTMLElement;
  fill(root, h('p', { class: 'muted' }, 'Loading…'));
  const ctx: PageCtx = {
    projectId,
    base: projectPath(projectId),
    params,
    query,
    onLeave: (fn) => leave.push(fn),
    left: () => gen !== generation,
  };
  try {
    const view = h('div', { class: 'view', 'data-page': entry[0] });
    await entry[2](view, ctx);
    if (gen === generation) fill(root, view);
  } catch (err) {
    if (gen !== generation) return;
    const msg = err instanceof HttpError ? `${err.code}: ${err.message}` : String(err);
    fill(root, h('p', { class: 'error' }, `Could not load this page. ${msg}`));
  }
}

async function shell(): Promise<void> {
  projects = (await get<{ projects: Project[] }>('/api/v1/projects')).projects;
  if (!projects.some((p) => p.id === projectId)) projectId = projects[0]?.id ?? 1;
  const picker = h(
    'select',
    {
      'aria-label': 'Project',
      on: {
        change: (e) => {
          projectId = Number((e.target as HTMLSelectElement).value);
          localStorage.setItem('heed.project', String(projectId));
          void render();
        },
      },
    },
    projects.map((p) => h('option', { value: p.id, selected: p.id === projectId }, p.name)),
  );
  const out = h('button', { type: 'button', class: 'link', on: { click: () => void logout().then(start) } }, 'Log out');
  fill(
    app,
    h(
      'header',
      null,
      h('a', { href: '#/overview', class: 'brand' }, 'Heed'),
      h(
        'nav',
        null,
        PAGES.map(([k, label]) => h('a', { href: `#/${k}`, 'data-page': k }, label)),
      ),
      h('span', { class: 'spacer' }),
      picker,
      out,
    ),
    h('main', { id: 'page' }),
  );
  await render();
}

async function start(): Promise<void> {
  for (const fn of leave) fn();
  leave = [];
  if (await session()) await shell();
  else loginPage(app, () => void shell());
}

window.addEventListener('hashchange', () => void render());
window.addEventListener('heed:logged-out', () => void start());
void start();
