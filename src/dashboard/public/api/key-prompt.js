// @ts-check
// The API key, kept in sessionStorage (this tab only, never in the page or a URL), and the prompt
// that asks for one when the server answers 401.
import { byId } from '../lib/dom.js';

const KEY_STORAGE = 'salescast.apiKey';

export const storedKey = () => sessionStorage.getItem(KEY_STORAGE);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORAGE);

/** @type {Promise<string> | null} */
let prompt = null;

/**
 * Shows the key prompt once, however many requests hit a 401 at the same time.
 * @param {string | null} message why the prompt is shown again (a key was refused)
 * @returns {Promise<string>} the key entered
 */
export function askForKey(message) {
  prompt ??= new Promise((resolve) => {
    const dialog = byId('key-dialog', HTMLDialogElement);
    const form = byId('key-form', HTMLFormElement);
    const input = byId('key-input', HTMLInputElement);
    const err = byId('key-error', HTMLElement);
    err.hidden = !message;
    err.textContent = message ?? '';
    input.value = '';
    /** @param {SubmitEvent} ev */
    const onSubmit = (ev) => {
      ev.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY_STORAGE, key);
      form.removeEventListener('submit', onSubmit);
      dialog.close();
      prompt = null;
      byId('signout', HTMLButtonElement).hidden = false;
      resolve(key);
    };
    form.addEventListener('submit', onSubmit);
    // The page is useless without a key: Escape does not dismiss the prompt.
    dialog.addEventListener('cancel', (ev) => ev.preventDefault());
    if (!dialog.open) dialog.showModal();
    input.focus();
  });
  return prompt;
}
