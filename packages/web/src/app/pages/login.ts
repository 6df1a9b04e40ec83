/** @module The login form: the admin token becomes a session cookie. */
import { HttpError, login } from '../api.js';
import { fill, h } from '../dom.js';

/** Draws the login form; calls `done` once logged in. */
export function loginPage(root: HTMLElement, done: () => void): void {
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'current-password',
    placeholder: 'admin token',
    required: true,
  });
  const msg = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'login card',
      on: {
        submit: (e) => {
          e.preventDefault();
          login(input.value.trim()).then(done, (err: unknown) => {
            msg.textContent = err instanceof HttpError ? err.message : 'Could not reach Heed.';
          });
        },
      },
    },
    h('h1', null, 'Heed'),
    h('p', { class: 'muted' }, 'Log in with the admin token that `heed start` (or `heed demo`) printed.'),
    input,
    h('button', { type: 'submit' }, 'Log in'),
    msg,
  );
  fill(root, form);
  input.focus();
}
