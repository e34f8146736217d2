/**
 * The API key of this browser tab. It is requested only when the API returns 401 (the API runs
 * with BLIPBENCH_API_KEY), kept in sessionStorage so that it is gone when the tab closes.
 */
import { h } from './dom.js';

const STORAGE_KEY = 'blipbench.apiKey';

let pending: Promise<string> | null = null;

export function storedApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/**
 * Shows a dialog asking for the key and resolves with it once entered. Requests that are rejected
 * at the same time share one dialog.
 */
export function askForApiKey(rejected: boolean): Promise<string> {
  pending ??= new Promise<string>((resolve) => {
    const input = h('input', { type: 'password', name: 'key', required: true, autocomplete: 'off', 'aria-label': 'API key' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', {}, 'API key'),
      h('p', {}, rejected ? 'The API rejected the key. Enter the value of BLIPBENCH_API_KEY again.' : 'This API requires a key. Enter the value of BLIPBENCH_API_KEY; it is kept until this tab closes.'),
      input,
      h('button', { type: 'submit' }, 'Continue'),
    );
    const dialog = h('dialog', { class: 'api-key' }, form);
    form.addEventListener('submit', (event) => {
      // Handled here: the browser's own dialog submission would run after the form is removed.
      event.preventDefault();
      const key = input.value.trim();
      sessionStorage.setItem(STORAGE_KEY, key);
      dialog.close();
      dialog.remove();
      pending = null;
      resolve(key);
    });
    // Escape would close the dialog without a key and leave every request waiting.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return pending;
}
