/**
 * The settings view: the poll interval, "Start at login", which changes to
 * notify about and the quiet hours, as the Rust side reads and validates
 * them. The page does not second-guess the values: save_settings either
 * takes them or rejects with { field, message }, and the message is shown
 * under the field it names (the poll interval, the quiet hours), or as a
 * toast when it names none of them (Start at login, the file that cannot be
 * written).
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
  const quietHours = $('quiet-hours');
  const kinds = [...form.querySelectorAll('[data-notify]')]; // one checkbox per kind of notification
  const locked = $('settings-locked');
  const save = $('settings-save');
  const gear = $('settings-button');

  /** The fields a refusal can be shown under, by the name the Rust side gives them. */
  const byName = {
    pollInterval: { input: interval, error: $('poll-interval-error') },
    quietHours: { input: quietHours, error: $('quiet-hours-error') },
  };
  const fields = Object.values(byName);

  function showError(field, message) {
    field.error.textContent = message;
    field.error.hidden = !message;
    if (message) field.input.setAttribute('aria-invalid', 'true');
    else field.input.removeAttribute('aria-invalid');
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
    for (const box of kinds) box.checked = settings.notifications[box.dataset.notify];
    quietHours.value = settings.notifications.quietHours;
    $('settings-path').textContent = settings.configPath;
    for (const control of [...form.querySelectorAll('input'), save]) control.disabled = !settings.editable;
    locked.textContent = settings.editable ? '' : settings.reason || 'These settings cannot be changed here.';
    locked.hidden = settings.editable;
    for (const field of fields) showError(field, '');

    listView.hidden = true;
    view.hidden = false;
    form.querySelector('.settings-fields').scrollTop = 0;
    gear.setAttribute('aria-pressed', 'true');
    (settings.editable ? interval : $('settings-cancel')).focus();
  }

  function close() {
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
      const message = ipc.errorText(e);
      const field = Object.hasOwn(byName, ipc.errorField(e)) ? byName[ipc.errorField(e)] : null;
      if (field) {
        showError(field, message);
        field.input.focus();
        field.error.scrollIntoView({ block: 'nearest' });
      } else {
        notify(message, 'error');
      }
    } finally {
      save.disabled = interval.disabled;
    }
  });
  for (const field of fields) field.input.addEventListener('input', () => showError(field, ''));
  $('settings-cancel').addEventListener('click', close);

  return { open, close, isOpen: () => !view.hidden };
}
