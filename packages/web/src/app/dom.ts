/**
 * @module DOM building with text only: strings always become text nodes, attributes are set one by
 * one (never `on*`), and nothing here ever parses HTML, so untrusted strings cannot become markup.
 */

/** What may be a child: nodes, text, or nothing. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes and listeners of an element. */
export interface Attrs {
  [name: string]: string | number | boolean | undefined | ((ev: Event) => void) | Record<string, (ev: Event) => void>;
}

function append(el: Node, c: Child): void {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) for (const x of c) append(el, x);
  else if (typeof c === 'string' || typeof c === 'number') el.appendChild(document.createTextNode(String(c)));
  else el.appendChild(c);
}

/** Creates an element; `on` holds listeners (`{ click: fn }`), other keys are attributes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (k === 'on' && typeof v === 'object') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (/^on/i.test(k)) {
      throw new Error(`refusing attribute ${k}`);
    } else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== undefined && typeof v !== 'function' && typeof v !== 'object') el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A link inside the app. */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}

/** A button. */
export function button(label: string, onClick: () => void, cls = ''): HTMLButtonElement {
  return h('button', { type: 'button', class: cls, on: { click: () => onClick() } }, label);
}

/** A table from a header row and rows of cells. */
export function table(head: string[], rows: Child[][], cls = ''): HTMLTableElement {
  return h(
    'table',
    { class: cls },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        head.map((x) => h('th', null, x)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          r.map((c) => h('td', null, c)),
        ),
      ),
    ),
  );
}

/** A titled card. */
export function card(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}
