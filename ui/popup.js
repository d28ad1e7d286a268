/**
 * Entry point of the popup. Shows the PopupModel the Rust side sends (once
 * on load, then on every view-updated) and owns what the user does with it:
 * filtering, the selection and the keyboard, the per-row menus (remote
 * access, history, muting), the footer clock, and the switches to the
 * settings and the history. Rendering itself is render.js's.
 */

import { createHistory } from './history.js';
import * as ipc from './ipc.js';
import { hoursText, renderOrganizations } from './render.js';
import { createSettings } from './settings.js';
import { updatedAgo } from './time.js';

const $ = (id) => document.getElementById(id);
const search = $('search');
const list = $('systems');
const scroller = $('scroller');
const toastBox = $('toast');

let model = null;
let view = { rows: [], groups: [], refreshTimes() {} };
let rowOfElement = new Map();
let selectedKey = null;
let openMenu = null; // the row whose menu is showing
let toastTimer = 0;

const settings = createSettings({ onClose: () => search.focus(), notify });
const historyViews = createHistory({ onClose: () => search.focus(), notify });

/** Each of the settings and the history takes the list's place; one at a time. */
function openSettings() {
  historyViews.close();
  settings.open();
}

function openHistory() {
  if (settings.isOpen()) settings.close();
  historyViews.open();
}

/* ---- model ---- */

function showModel(next) {
  model = next;
  const scrollTop = scroller.scrollTop;
  const reopen = openMenu && { key: openMenu.key, focused: menuItems(openMenu).indexOf(document.activeElement) };
  closeMenu();

  $('summary').textContent = model.summary;
  $('summary').dataset.level = model.level;
  $('demo-banner').hidden = !model.demo;
  $('demo-path').textContent = model.demo ? model.demo.configPath : '';
  const noOrganizations = model.organizations.length === 0 && model.level !== 'starting';
  $('no-orgs').hidden = !noOrganizations;
  $('search-box').hidden = noOrganizations;
  if (noOrganizations) showConfigPath();

  view = renderOrganizations(list, model.organizations);
  rowOfElement = new Map(view.rows.map((row) => [row.element, row]));
  applyFilter();
  scroller.scrollTop = scrollTop;

  const again = reopen && view.rows.find((row) => row.key === reopen.key && !row.element.hidden);
  if (again) showMenu(again, reopen.focused >= 0 ? reopen.focused : null);
  tickFooter();
}

async function showConfigPath() {
  try {
    $('no-orgs-path').textContent = (await ipc.getSettings()).configPath;
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

/* ---- filter and selection ---- */

function applyFilter() {
  const query = search.value.trim().toLocaleLowerCase();
  let groupsShown = 0;
  for (const group of view.groups) {
    let rowsShown = 0;
    for (const row of group.rows) {
      row.element.hidden = !row.haystack.includes(query);
      if (!row.element.hidden) rowsShown += 1;
    }
    group.element.hidden = rowsShown === 0 && !group.org.name.toLocaleLowerCase().includes(query);
    if (!group.element.hidden) groupsShown += 1;
  }
  const noMatch = $('no-match');
  noMatch.hidden = !(query && groupsShown === 0);
  noMatch.textContent = noMatch.hidden ? '' : `No system matches “${search.value.trim()}”`;

  // Keep the selection while it is visible; while filtering, the first match
  // is selected so that Enter opens it.
  const current = selectedRow();
  if (current && !current.element.hidden) select(current);
  else select(query ? visibleRows()[0] : null);
}

const visibleRows = () => view.rows.filter((row) => !row.element.hidden);
const selectedRow = () => view.rows.find((row) => row.key === selectedKey);

function select(row, scroll = false) {
  for (const r of view.rows) r.element.setAttribute('aria-selected', String(r === row));
  selectedKey = row ? row.key : null;
  if (row) search.setAttribute('aria-activedescendant', row.element.id);
  else search.removeAttribute('aria-activedescendant');
  if (row && scroll) row.element.scrollIntoView({ block: 'nearest' });
}

function move(step) {
  const rows = visibleRows();
  if (rows.length === 0) return;
  const at = rows.findIndex((row) => row.key === selectedKey);
  const next = at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  select(rows[next], true);
}

/* ---- remote access ---- */

function activate(row) {
  select(row);
  if (row.openable) openApp(row, 'root');
  else notify(row.reason);
}

async function openApp(row, app) {
  try {
    await ipc.openRemote(row.org.id, row.system.id, app);
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

/* ---- muting ---- */

async function mute(row, hours) {
  try {
    await ipc.muteSystem(row.org.id, row.system.id, hours);
    notify(`Notifications for ${row.system.name} muted for ${hoursText(hours)}`);
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

/* ---- row menus ---- */

const menuItems = (row) => [...row.menu.querySelectorAll('.menu-item')];

/** What History in a row's menu opens. */
const stripTarget = (row) => ({
  organizationId: row.org.id,
  systemId: row.system.id,
  systemName: row.system.name,
  organizationName: row.org.name,
});

/** focusIndex: the item to focus, or null to leave the focus where it is. */
function showMenu(row, focusIndex = 0) {
  closeMenu();
  select(row);
  openMenu = row;
  row.menu.hidden = false;
  row.menuButton.setAttribute('aria-expanded', 'true');
  row.element.classList.add('menu-open');
  // Open upwards when the menu would run past the bottom of the list and
  // fits above the row; when it fits neither way, the list scrolls to show it.
  const list = scroller.getBoundingClientRect();
  if (row.menu.getBoundingClientRect().bottom > list.bottom) {
    row.element.classList.add('menu-up');
    if (row.menu.getBoundingClientRect().top < list.top) row.element.classList.remove('menu-up');
  }
  row.menu.scrollIntoView({ block: 'nearest' });
  if (focusIndex !== null) menuItems(row)[focusIndex].focus({ preventScroll: true });
}

function closeMenu() {
  if (!openMenu) return;
  const row = openMenu;
  openMenu = null;
  const hadFocus = row.menu.contains(document.activeElement);
  row.menu.hidden = true;
  row.menuButton.setAttribute('aria-expanded', 'false');
  row.element.classList.remove('menu-open', 'menu-up');
  if (hadFocus) search.focus();
}

function menuKeys(event) {
  const items = menuItems(openMenu);
  const at = items.indexOf(document.activeElement);
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(at + step + items.length) % items.length].focus();
  } else if (event.key === 'Tab') {
    event.preventDefault();
    closeMenu();
  }
  // Enter and Space reach the focused item as a click.
}

list.addEventListener('mousedown', (event) => event.preventDefault()); // keep the focus in the search box
list.addEventListener('click', (event) => {
  const row = rowOfElement.get(event.target.closest('.row'));
  if (!row) return;
  const item = event.target.closest('.menu-item');
  if (item) {
    closeMenu();
    if ('history' in item.dataset) historyViews.openStrip(stripTarget(row), 'list');
    else if ('mute' in item.dataset) mute(row, Number(item.dataset.mute));
    else if (row.openable) openApp(row, item.dataset.app);
    else notify(row.reason);
  } else if (event.target.closest('.menu-button')) {
    if (openMenu === row) closeMenu();
    else showMenu(row);
  } else if (!row.menu.contains(event.target)) {
    if (openMenu) closeMenu(); // the first click outside an open menu only closes it
    else activate(row);
  }
});
document.addEventListener('click', (event) => {
  if (openMenu && !list.contains(event.target)) closeMenu();
});

/* ---- keyboard ---- */

document.addEventListener('keydown', (event) => {
  if (event.isComposing) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    if (openMenu) closeMenu();
    else if (historyViews.isOpen()) historyViews.back();
    else hide();
    return;
  }
  if (settings.isOpen() || historyViews.isOpen()) return;
  if (openMenu) {
    menuKeys(event);
    return;
  }
  if (event.target !== search && event.target !== document.body) return; // buttons keep their own keys
  const row = selectedRow();
  if (event.key === 'ArrowDown') move(1);
  else if (event.key === 'ArrowUp') move(-1);
  else if (event.key === 'Enter' && row) activate(row);
  else if ((event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) && row) showMenu(row);
  else return;
  event.preventDefault();
});

search.addEventListener('input', () => {
  closeMenu();
  applyFilter();
  scroller.scrollTop = 0;
});

/* ---- header, footer, messages ---- */

async function hide() {
  try {
    await ipc.hidePopup();
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

function tickFooter() {
  $('updated').textContent = model ? updatedAgo(model.lastUpdate) : 'updating…';
}

function notify(text, kind = 'info') {
  toastBox.textContent = text;
  toastBox.dataset.kind = kind;
  toastBox.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastBox.hidden = true;
  }, 4000);
}

$('close-button').addEventListener('click', hide);
$('settings-button').addEventListener('click', () => (settings.isOpen() ? settings.close() : openSettings()));
$('history-button').addEventListener('click', () => (historyViews.isOpen() ? historyViews.close() : openHistory()));
$('refresh-button').addEventListener('click', async (event) => {
  const button = event.currentTarget;
  button.classList.add('busy');
  try {
    await ipc.refreshNow();
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  } finally {
    button.classList.remove('busy');
  }
});

setInterval(tickFooter, 1000);
setInterval(() => view.refreshTimes(), 15000);

/* ---- start ---- */

let updatedByEvent = false;
await Promise.all([
  ipc.onViewUpdated((next) => {
    updatedByEvent = true;
    showModel(next);
    historyViews.refresh();
  }),
  ipc.onShowSettings(openSettings),
]);
// The tray's Settings item opens a closed popup as index.html?view=settings.
if (new URLSearchParams(window.location.search).get('view') === 'settings') {
  settings.open();
} else {
  search.focus();
}
try {
  const first = await ipc.getView();
  if (!updatedByEvent) showModel(first); // a view-updated that came first is newer
} catch (e) {
  notify(ipc.errorText(e), 'error');
}
