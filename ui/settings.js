/**
 * The settings view: the poll interval, "Start at login", which changes to
 * notify about and the quiet hours, as the Rust side reads and validates
 * them; and the organizations (organizations.js), whose form takes the
 * view's room while it is open. The page does not second-guess the values:
 * save_settings either takes them or rejects with { field, message }, and
 * the message is shown under the field it names (the poll interval, the
 * quiet hours), or as a toast when it names none of them (Start at login,
 * the file that cannot be written).
 */

import { showError, showRefusal } from './fields.js';
import * as ipc from './ipc.js';
import { createOrganizations } from './organizations.js';

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
  const title = $('settings-title');
  let editable = false;

  /** The fields a refusal can be shown under, by the name the Rust side gives them. */
  const byName = {
    pollInterval: { input: interval, error: $('poll-interval-error') },
    quietHours: { input: quietHours, error: $('quiet-hours-error') },
  };
  const fields = Object.values(byName);

  const organizations = createOrganizations({ notify, showingForm });

  /** While the organization form is open, the settings' title, note and fields make room for it. */
  function showingForm(shown) {
    title.hidden = shown;
    form.hidden = shown;
    locked.hidden = shown || editable;
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
    editable = settings.editable;
    organizations.reset();
    organizations.show(settings.keys, editable);
    for (const control of [interval, autostart, ...kinds, quietHours, save]) control.disabled = !editable;
    $('settings-locked-reason').textContent = editable ? '' : settings.reason || 'These settings cannot be changed here.';
    locked.hidden = editable;
    for (const field of fields) showError(field, '');

    listView.hidden = true;
    view.hidden = false;
    const fieldsBox = form.querySelector('.settings-fields');
    fieldsBox.scrollTop = 0;
    // Locked, the fields hold nothing to focus but Add organization, at their end: the box takes the
    // focus too, so that the keyboard can scroll back to the rest.
    if (editable) fieldsBox.removeAttribute('tabindex');
    else fieldsBox.tabIndex = 0;
    gear.setAttribute('aria-pressed', 'true');
    // Locked, adding an organization is what is left to do (in the demo, it leaves the demo).
    (editable ? interval : $('add-organization')).focus();
  }

  function close() {
    organizations.reset();
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
