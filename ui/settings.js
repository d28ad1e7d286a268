/**
 * The settings view: the poll interval and "Start at login", as the Rust
 * side reads and validates them. The page does not second-guess the values:
 * save_settings either takes them or rejects with a message that names what
 * is wrong, and that message is shown under the field.
 */

import * as ipc from './ipc.js';

const $ = (id) => document.getElementById(id);

/** onClose() runs after the view is left; notify(text, kind) shows a short message. */
export function createSettings({ onClose, notify }) {
  const view = $('settings-view');
  const listView = $('list-view');
  const form = $('settings-form');
  const interval = $('poll-interval');
  const autostart = $('autostart');
  const error = $('poll-interval-error');
  const locked = $('settings-locked');
  const save = $('settings-save');
  const gear = $('settings-button');

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
    if (message) interval.setAttribute('aria-invalid', 'true');
    else interval.removeAttribute('aria-invalid');
  }

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
    $('settings-path').textContent = settings.configPath;
    for (const control of [interval, autostart, save]) control.disabled = !settings.editable;
    locked.textContent = settings.editable ? '' : settings.reason || 'These settings cannot be changed here.';
    locked.hidden = settings.editable;
    showError('');

    listView.hidden = true;
    view.hidden = false;
    gear.setAttribute('aria-pressed', 'true');
    (settings.editable ? interval : $('settings-cancel')).focus();
  }

  function close() {
    view.hidden = true;
    listView.hidden = false;
    gear.setAttribute('aria-pressed', 'false');
    onClose();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      await ipc.saveSettings(interval.value.trim(), autostart.checked);
      close();
    } catch (e) {
      showError(ipc.errorText(e));
      interval.focus();
    } finally {
      save.disabled = interval.disabled;
    }
  });
  interval.addEventListener('input', () => showError(''));
  $('settings-cancel').addEventListener('click', close);

  return { open, close, isOpen: () => !view.hidden };
}
