/**
 * The Organizations part of the settings view: a line per organization (its
 * name, its API URL, where its key comes from, a field to paste a new key,
 * Edit and Remove) and the form that adds or edits one, with Test
 * connection. A pasted key is handed to the Rust side for the OS keyring;
 * its field is emptied once it is handed over or the form is left, and the
 * page is never told a key. As in the rest of the settings, the Rust side
 * checks the values and a refusal shows under the field it names.
 *
 * Settings that cannot be changed (the demo) lock the lines but not Add
 * organization: the first organization added writes the configuration
 * file, and dms-tray starts again with it.
 */

import { showError, showRefusal } from './fields.js';
import * as ipc from './ipc.js';

const $ = (id) => document.getElementById(id);
const make = (tag, properties) => Object.assign(document.createElement(tag), properties);

/** The placeholder of the form's key field when the organization has a key already. */
const KEEP_KEY = 'Leave empty to keep the current key';

/**
 * notify(text, kind) shows a short message; showingForm(shown) gives the
 * form the settings view's room, or gives it back.
 */
export function createOrganizations({ notify, showingForm }) {
  const rows = $('organization-rows');
  const add = $('add-organization');
  const form = $('organization-form');
  const name = $('org-name');
  const apiUrl = $('org-api-url');
  const id = $('org-id');
  const key = $('org-key');
  const test = $('org-test');
  const save = $('org-save');
  const result = $('org-test-result');
  const testLabel = test.textContent;

  /** The form's fields, by the name a refusal gives them. */
  const byName = {
    organizationName: { input: name, error: $('org-name-error') },
    apiUrl: { input: apiUrl, error: $('org-api-url-error') },
    organizationId: { input: id, error: $('org-id-error') },
    key: { input: key, error: $('org-key-error') },
  };
  const fields = Object.values(byName);

  let editable = false;
  let editing = null; // the organization the form changes; null while it adds one
  let opener = null; // the button that opened the form, to have the focus back
  let opened = 0; // counts the form's openings: a connection test answered after its form closed is not shown
  let confirming = null; // (focus) => closes the question of the removal that waits for Remove or Keep

  /** One line per organization of `list` (the settings' keys); canChange: Edit, Remove and the key fields work. */
  function show(list, canChange) {
    editable = canChange;
    confirming = null;
    rows.replaceChildren(...list.map(line));
  }

  function line(organization) {
    const { organizationId, name: shown, from } = organization;
    const keyId = `key-${organizationId}`;
    const item = make('li', { className: 'organization' });
    item.dataset.organizationId = organizationId;

    const head = make('div', { className: 'organization-head' });
    const label = make('label', { className: 'key-name', htmlFor: keyId, textContent: shown });
    const actions = make('div', { className: 'organization-actions' });
    const edit = make('button', { type: 'button', className: 'button small org-edit', textContent: 'Edit', disabled: !editable });
    const remove = make('button', { type: 'button', className: 'button small org-remove', textContent: 'Remove', disabled: !editable });
    // Each line has its Edit and Remove: the name tells a screen reader whose they are.
    edit.setAttribute('aria-label', `Edit ${shown}`);
    remove.setAttribute('aria-label', `Remove ${shown}`);
    actions.append(edit, remove);
    head.append(label, actions);

    const question = make('p', { id: `remove-${organizationId}`, textContent: `Remove ${shown}?` });
    const confirm = make('div', { className: 'organization-confirm', hidden: true });
    confirm.setAttribute('role', 'group');
    confirm.setAttribute('aria-labelledby', question.id);
    const yes = make('button', { type: 'button', className: 'button small danger org-confirm-remove', textContent: 'Remove' });
    const keep = make('button', { type: 'button', className: 'button small org-keep', textContent: 'Keep' });
    confirm.append(question, yes, keep);

    const url = make('p', { className: 'organization-url', textContent: organization.apiUrl });

    // The key part keeps its own box, whose first button stores the key.
    const keyRow = make('div', { className: 'key-row' });
    const source = make('p', { className: 'field-hint', id: `${keyId}-from`, textContent: `Key from ${from}` });
    const entry = make('div', { className: 'key-entry' });
    const input = make('input', {
      id: keyId, type: 'password', autocomplete: 'off', spellcheck: false, placeholder: 'Paste a new key', disabled: !editable,
    });
    input.setAttribute('aria-describedby', `${keyId}-from ${keyId}-error`);
    const store = make('button', { type: 'button', className: 'button', textContent: 'Store in keyring', disabled: !editable });
    const error = make('p', { className: 'field-error', id: `${keyId}-error`, hidden: true });
    error.setAttribute('role', 'alert');
    entry.append(input, store);
    keyRow.append(source, entry, error);

    item.append(head, confirm, url, keyRow);

    /** Asks whether to remove the organization (ask) or stops asking; focus: to Keep, or back to Remove. */
    function asking(ask, focus) {
      if (ask) confirming?.(false); // one question at a time
      confirm.hidden = !ask;
      actions.hidden = ask;
      confirming = ask ? (f) => asking(false, f) : null;
      if (focus) (ask ? keep : remove).focus();
    }
    remove.addEventListener('click', () => asking(true, true));
    keep.addEventListener('click', () => asking(false, true));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      keep.disabled = true;
      try {
        await ipc.removeOrganization(organizationId);
      } catch (e) {
        notify(ipc.errorText(e), 'error');
        yes.disabled = false;
        keep.disabled = false;
        asking(false, true);
        return;
      }
      notify(`${shown} removed.`);
      await reread();
      add.focus(); // its line is gone
    });
    edit.addEventListener('click', () => openForm(organization, edit));

    const field = { input, error };
    async function storeKey() {
      if (!input.value.trim()) {
        showError(field, 'Paste the key first.');
        input.focus();
        return;
      }
      store.disabled = true;
      showError(field, '');
      try {
        await ipc.storeKey(organizationId, input.value);
        input.value = '';
        notify(`The key of ${shown} is in the keyring; polling with it now.`);
        const fresh = await ipc.getSettings();
        const now = fresh.keys.find((k) => k.organizationId === organizationId);
        if (now) source.textContent = `Key from ${now.from}`;
      } catch (e) {
        showError(field, ipc.errorText(e));
        input.focus();
      } finally {
        store.disabled = false;
      }
    }
    store.addEventListener('click', storeKey);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault(); // not the settings' Save
        storeKey();
      }
    });
    input.addEventListener('input', () => showError(field, ''));
    return item;
  }

  /** Reads the list again after it changed: resolves to it, or to null when it cannot be read (and says why). */
  async function reread() {
    try {
      const settings = await ipc.getSettings();
      show(settings.keys, settings.editable);
      return settings.keys;
    } catch (e) {
      notify(ipc.errorText(e), 'error');
      return null;
    }
  }

  /* ---- the form ---- */

  /** Opens the form on `organization` (a line of the list), or empty to add one; `from` gets the focus back. */
  function openForm(organization, from) {
    confirming?.(false);
    editing = organization;
    opener = from;
    opened += 1;
    $('organization-title').textContent = organization ? `Edit ${organization.name}` : 'Add organization';
    name.value = organization ? organization.configuredName ?? '' : '';
    apiUrl.value = organization ? organization.apiUrl : '';
    id.value = organization ? organization.organizationId : '';
    key.value = '';
    key.placeholder = organization ? KEEP_KEY : '';
    for (const field of fields) showError(field, '');
    showResult(null);
    $('organization-demo').hidden = editable;
    showingForm(true);
    form.hidden = false;
    form.querySelector('.settings-fields').scrollTop = 0;
    name.focus();
  }

  /** Leaves the form and forgets the key pasted in it; focus: back to the button that opened it. */
  function closeForm(focus) {
    key.value = '';
    if (form.hidden) return;
    opened += 1;
    form.hidden = true;
    showingForm(false);
    editing = null;
    if (focus) opener.focus();
  }

  /** What Test connection found, { connected, message }, or nothing (null). */
  function showResult(found) {
    if (!found) {
      result.textContent = '';
      delete result.dataset.connected;
      return;
    }
    result.textContent = found.message;
    result.dataset.connected = String(found.connected);
    result.scrollIntoView({ block: 'nearest' });
  }

  const pastedKey = () => (key.value === '' ? null : key.value);

  test.addEventListener('click', async () => {
    const run = opened;
    for (const field of fields) showError(field, '');
    showResult(null);
    test.disabled = true;
    test.textContent = 'Testing…';
    try {
      const found = await ipc.testConnection(editing?.organizationId ?? null, apiUrl.value, id.value, pastedKey());
      if (run === opened) showResult(found);
    } catch (e) {
      if (run === opened && !showRefusal(byName, e)) showResult({ connected: false, message: ipc.errorText(e) });
    } finally {
      test.disabled = false;
      test.textContent = testLabel;
      if (run === opened && document.activeElement === document.body) test.focus(); // disabled, it lost the focus
    }
  });

  // Enter in a field submits the form.
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const previousId = editing?.organizationId ?? null;
    const typed = { name: name.value.trim(), id: id.value.trim() };
    save.disabled = true;
    for (const field of fields) showError(field, '');
    try {
      await ipc.saveOrganization(previousId, name.value, apiUrl.value, id.value, pastedKey());
    } catch (e) {
      save.disabled = false;
      if (showRefusal(byName, e)) return;
      notify(ipc.errorText(e), 'error');
      if (document.activeElement === document.body) save.focus(); // disabled, it lost the focus
      return;
    }
    save.disabled = false;
    closeForm(false);
    const list = await reread();
    if (!list) return;
    // The Rust side writes the id in lower case; the name is the one the list shows now.
    const saved = list.find((o) => o.organizationId === typed.id.toLowerCase());
    const label = saved ? saved.name : typed.name || typed.id;
    notify(previousId ? `${label} saved.` : `${label} added; polling it now.`);
    const again = saved && rows.querySelector(`[data-organization-id="${saved.organizationId}"] .org-edit`);
    (previousId && again ? again : add).focus();
  });

  add.addEventListener('click', () => openForm(null, add));
  $('org-cancel').addEventListener('click', () => closeForm(true));
  for (const field of fields) {
    field.input.addEventListener('input', () => {
      showError(field, '');
      if (field.input !== name) showResult(null); // a test of other values than these
    });
  }

  // popup.js hides the popup on Escape. While the form or a question is
  // open, Escape leaves only that: this listener, capturing on the
  // document, runs before popup.js's and keeps the key from it.
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.isComposing) return;
    if (confirming) confirming(true);
    else if (!form.hidden) closeForm(true);
    else return;
    event.preventDefault();
    event.stopPropagation();
  }, true);

  /** Back to the list as it opens: no form, no question, no pasted key left in a field. */
  function reset() {
    closeForm(false);
    confirming?.(false);
    for (const input of rows.querySelectorAll('input')) input.value = '';
  }

  return { show, reset };
}
