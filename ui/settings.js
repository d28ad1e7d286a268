/**
 * The settings view: the poll interval, "Start at login", which changes to
 * notify about and the quiet hours, as the Rust side reads and validates
 * them; and a key per organization, pasted once and handed to the monitor
 * for the OS keyring (the page is never told a key, and forgets the pasted
 * one as soon as it is stored). The page does not second-guess the values: save_settings either
 * takes them or rejects with { field, message }, and the message is shown
 * under the field it names (the poll interval, the quiet hours), or as a
 * toast when it names none of them (Start at login, the file that cannot be
 * written).
 */

import { showError, showRefusal } from './fields.js';
import * as ipc from './ipc.js';

const $ = (id) => document.getElementById(id);

/** onClose() runs after the view is left; notify(text, kind) shows a short message. */
export function createSettings({ onClose, notify }) {
  const view = $('settings-view');
  const listView = $('list-view');
  const form = $('settings-form');
  const interval = $('poll-interval');
  const autostart = $('autostart');
  const quietHours = $('quiet-hours');
  const kinds = [...form.querySelectorAll('[data-notify]')]; // one checkbox per kind of notification
  const locked = $('settings-locked');
  const save = $('settings-save');
  const gear = $('settings-button');
  const keys = $('keys');
  const keyRows = $('key-rows');

  /** The fields a refusal can be shown under, by the name the Rust side gives them. */
  const byName = {
    pollInterval: { input: interval, error: $('poll-interval-error') },
    quietHours: { input: quietHours, error: $('quiet-hours-error') },
  };
  const fields = Object.values(byName);

  async function open() {
    let settings;
    try {
      settings = await ipc.getSettings();
    } catch (e) {
      notify(ipc.errorText(e), 'error');
      return;
    }
    interval.value = settings.pollInterval;
    autostart.checked = settings.autostart;
    for (const box of kinds) box.checked = settings.notifications[box.dataset.notify];
    quietHours.value = settings.notifications.quietHours;
    $('settings-path').textContent = settings.configPath;
    showKeys(settings.keys);
    for (const control of [...form.querySelectorAll('input, .key-entry button'), save]) control.disabled = !settings.editable;
    locked.textContent = settings.editable ? '' : settings.reason || 'These settings cannot be changed here.';
    locked.hidden = settings.editable;
    for (const field of fields) showError(field, '');

    listView.hidden = true;
    view.hidden = false;
    const fieldsBox = form.querySelector('.settings-fields');
    fieldsBox.scrollTop = 0;
    // Locked, the fields hold nothing to focus: the box takes the focus itself, so that the keyboard can scroll it.
    if (settings.editable) fieldsBox.removeAttribute('tabindex');
    else fieldsBox.tabIndex = 0;
    gear.setAttribute('aria-pressed', 'true');
    (settings.editable ? interval : $('settings-cancel')).focus();
  }

  /** One line per organization: its name, where its key comes from, a field to paste a new one. */
  function showKeys(list) {
    keyRows.replaceChildren(...list.map(keyRow));
    keys.hidden = list.length === 0;
  }

  function keyRow({ organizationId, name, from }) {
    const id = `key-${organizationId}`;
    const row = document.createElement('div');
    row.className = 'key-row';
    const label = Object.assign(document.createElement('label'), { className: 'key-name', htmlFor: id, textContent: name });
    const source = Object.assign(document.createElement('p'), { className: 'field-hint', id: `${id}-from`, textContent: `Key from ${from}` });
    const entry = Object.assign(document.createElement('div'), { className: 'key-entry' });
    const input = Object.assign(document.createElement('input'), {
      id, type: 'password', autocomplete: 'off', spellcheck: false, placeholder: 'Paste a new key',
    });
    input.setAttribute('aria-describedby', `${id}-from ${id}-error`);
    const button = Object.assign(document.createElement('button'), { type: 'button', className: 'button', textContent: 'Store in keyring' });
    const error = Object.assign(document.createElement('p'), { className: 'field-error', id: `${id}-error`, hidden: true });
    error.setAttribute('role', 'alert');
    entry.append(input, button);
    row.append(label, source, entry, error);
    const field = { input, error };

    async function store() {
      if (!input.value.trim()) {
        showError(field, 'Paste the key first.');
        input.focus();
        return;
      }
      button.disabled = true;
      showError(field, '');
      try {
        await ipc.storeKey(organizationId, input.value);
        input.value = '';
        notify(`The key of ${name} is in the keyring; polling with it now.`);
        const fresh = await ipc.getSettings();
        const now = fresh.keys.find((k) => k.organizationId === organizationId);
        if (now) source.textContent = `Key from ${now.from}`;
      } catch (e) {
        showError(field, ipc.errorText(e));
        input.focus();
      } finally {
        button.disabled = false;
      }
    }
    button.addEventListener('click', store);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        store();
      }
    });
    input.addEventListener('input', () => showError(field, ''));
    return row;
  }

  function close() {
    for (const input of keyRows.querySelectorAll('input')) input.value = '';
    view.hidden = true;
    listView.hidden = false;
    gear.setAttribute('aria-pressed', 'false');
    onClose();
  }

  function notifications() {
    const chosen = Object.fromEntries(kinds.map((box) => [box.dataset.notify, box.checked]));
    return { ...chosen, quietHours: quietHours.value.trim() };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    for (const field of fields) showError(field, '');
    try {
      await ipc.saveSettings(interval.value.trim(), autostart.checked, notifications());
      close();
    } catch (e) {
      if (!showRefusal(byName, e)) notify(ipc.errorText(e), 'error');
    } finally {
      save.disabled = interval.disabled;
    }
  });
  for (const field of fields) field.input.addEventListener('input', () => showError(field, ''));
  $('settings-cancel').addEventListener('click', close);

  return { open, close, isOpen: () => !view.hidden };
}
