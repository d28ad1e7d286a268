/**
 * Entry point of the popup. Shows the PopupModel the Rust side sends (once
 * on load, then on every view-updated) and owns what the user does with it:
 * filtering, the selection and the keyboard, the per-row menus (remote
 * access, history, acknowledging, muting, priority), the footer clock, and
 * the switches to the settings and the history. Which rows are in the DOM
 * is list.js's, what they look like render.js's.
 */

import { createHistory } from './history.js';
import * as ipc from './ipc.js';
import { createSystemList } from './list.js';
import { CONFIGURED_PRIORITY, PRIORITIES, hoursText } from './render.js';
import { createSettings } from './settings.js';
import { updatedAgo } from './time.js';

const $ = (id) => document.getElementById(id);
const search = $('search');
const list = $('systems');
const scroller = $('scroller');
const toastBox = $('toast');

let model = null;
let selectedKey = null;
let openMenu = null; // the row whose menu is showing
let toastTimer = 0;

const systems = createSystemList({ list, scroller, onDraw: drawn });

/** Back to the list from the settings or the history: the rows are drawn at once, not at the next resize. */
function backToList() {
  search.focus();
  systems.draw();
}

const settings = createSettings({ onClose: backToList, notify });
const historyViews = createHistory({ onClose: backToList, notify });

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

  // The filter, the selection and what is in view stay as they were.
  filtered(systems.setModel(model.organizations, query()));

  const again = reopen && systems.row(reopen.key);
  if (again && systems.live(again)) showMenu(again, reopen.focused >= 0 ? reopen.focused : null);
  tickFooter();
  showHookProblem(model.hookProblem);
}

async function showConfigPath() {
  try {
    $('no-orgs-path').textContent = (await ipc.getSettings()).configPath;
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

/* ---- filter and selection ---- */

const query = () => search.value.trim().toLocaleLowerCase();

/** After the rows were filtered (groupsShown: the organizations left). */
function filtered(groupsShown) {
  const noMatch = $('no-match');
  noMatch.hidden = !(query() && groupsShown === 0);
  noMatch.textContent = noMatch.hidden ? '' : `No system matches “${search.value.trim()}”`;

  // Keep the selection while it is shown; while filtering, the first match
  // is selected so that Enter opens it.
  const current = selectedRow();
  if (current && current.position >= 0) select(current);
  else select(query() ? systems.shown()[0] : null);
}

const selectedRow = () => (selectedKey === null ? undefined : systems.row(selectedKey));

/** With `scroll`, the row is scrolled into view, drawn first if it was not in the DOM. */
function select(row, scroll = false) {
  selectedKey = row ? row.key : null;
  systems.select(selectedKey);
  if (row && scroll) systems.reveal(row);
  drawn();
}

/** After the list drew: only a row in the DOM can be the active descendant or show its menu. */
function drawn() {
  const row = selectedRow();
  const entry = row && systems.live(row);
  if (entry) search.setAttribute('aria-activedescendant', entry.element.id);
  else search.removeAttribute('aria-activedescendant');
  if (openMenu && !systems.live(openMenu)) closeMenu(); // scrolled away
}

/** Moves the selection by `step` rows (a page, one), or to the first or the last row. */
function move(step) {
  const rows = systems.shown();
  if (rows.length === 0) return;
  const current = selectedRow();
  const at = current ? current.position : -1;
  const next = at < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + step));
  select(rows[next], true);
}

function moveTo(end) {
  const rows = systems.shown();
  if (rows.length) select(end === 'first' ? rows[0] : rows.at(-1), true);
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

/* ---- acknowledging, muting, priority ---- */

/**
 * Waits for a row's command and says `done` once it is, the refusal if it
 * is not. The row changes with the model the monitor sends after it.
 */
async function tell(command, done) {
  try {
    await command;
    notify(done);
  } catch (e) {
    notify(ipc.errorText(e), 'error');
  }
}

const acknowledge = (row) => tell(ipc.acknowledge(row.org.id, row.system.id), `${row.system.name} acknowledged`);

const copySummary = (row) =>
  tell(ipc.copyIncidentSummary(row.org.id, row.system.id), `The incident summary of ${row.system.name} is on the clipboard`);

const mute = (row, hours) =>
  tell(ipc.muteSystem(row.org.id, row.system.id, hours), `Notifications for ${row.system.name} muted for ${hoursText(hours)}`);

/** priority: a key of PRIORITIES, or null for the configuration's. */
const setPriority = (row, priority) =>
  tell(
    ipc.setPriority(row.org.id, row.system.id, priority),
    `${row.system.name} ${(priority ? PRIORITIES[priority] : CONFIGURED_PRIORITY).set}`,
  );

/* ---- row menus ---- */

/** A row's menu items; none when the row is not in the DOM. */
const menuItems = (row) => {
  const entry = systems.live(row);
  return entry ? [...entry.menu.querySelectorAll('.menu-item')] : [];
};

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
  select(row, !systems.live(row)); // the selected row may have been scrolled away
  const entry = systems.live(row);
  if (!entry) return;
  openMenu = row;
  const { element, menu, menuButton } = entry;
  menu.hidden = false;
  menuButton.setAttribute('aria-expanded', 'true');
  element.classList.add('menu-open');
  // Open upwards when the menu would run past the bottom of the list and
  // fits above the row; when it fits neither way, the list scrolls to show it.
  const list = scroller.getBoundingClientRect();
  if (menu.getBoundingClientRect().bottom > list.bottom) {
    element.classList.add('menu-up');
    if (menu.getBoundingClientRect().top < list.top) element.classList.remove('menu-up');
  }
  menu.scrollIntoView({ block: 'nearest' });
  if (focusIndex !== null) menuItems(row)[focusIndex].focus({ preventScroll: true });
}

function closeMenu() {
  if (!openMenu) return;
  const entry = systems.live(openMenu);
  openMenu = null;
  if (!entry) {
    // Its row left the DOM, and the focus with it.
    if (document.activeElement === document.body) search.focus();
    return;
  }
  const hadFocus = entry.menu.contains(document.activeElement);
  entry.menu.hidden = true;
  entry.menuButton.setAttribute('aria-expanded', 'false');
  entry.element.classList.remove('menu-open', 'menu-up');
  if (hadFocus) search.focus();
}

function menuKeys(event) {
  const items = menuItems(openMenu);
  const at = items.indexOf(document.activeElement);
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    items[(at + step + items.length) % items.length].focus();
  } else if (event.key === 'Home' || event.key === 'End') {
    event.preventDefault();
    items.at(event.key === 'Home' ? 0 : -1).focus();
  } else if (event.key === 'Tab') {
    event.preventDefault();
    closeMenu();
  }
  // Enter and Space reach the focused item as a click.
}

list.addEventListener('mousedown', (event) => event.preventDefault()); // keep the focus in the search box
list.addEventListener('click', (event) => {
  const element = event.target.closest('.row');
  const row = element && systems.rowOf(element);
  if (!row) return;
  const item = event.target.closest('.menu-item');
  if (item) {
    closeMenu();
    if ('history' in item.dataset) historyViews.openStrip(stripTarget(row), 'list');
    else if ('acknowledge' in item.dataset) acknowledge(row);
    else if ('summary' in item.dataset) copySummary(row);
    else if ('mute' in item.dataset) mute(row, Number(item.dataset.mute));
    else if ('priority' in item.dataset) setPriority(row, item.dataset.priority || null); // empty: the configuration's
    else if (row.openable) openApp(row, item.dataset.app);
    else notify(row.reason);
  } else if (event.target.closest('.menu-button')) {
    if (openMenu === row) closeMenu();
    else showMenu(row);
  } else if (!element.querySelector('.menu').contains(event.target)) {
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
  // Home and End move the caret while there is a filter to move it in.
  const ends = event.ctrlKey || search.value === '';
  if (event.key === 'ArrowDown') move(1);
  else if (event.key === 'ArrowUp') move(-1);
  else if (event.key === 'PageDown') move(systems.pageSize());
  else if (event.key === 'PageUp') move(-systems.pageSize());
  else if (event.key === 'Home' && ends) moveTo('first');
  else if (event.key === 'End' && ends) moveTo('last');
  else if (event.key === 'Enter' && row) activate(row);
  else if ((event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) && row) showMenu(row);
  else return;
  event.preventDefault();
});

search.addEventListener('input', () => {
  closeMenu();
  filtered(systems.setQuery(query()));
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

/** A hook's last failure, until that hook goes through again. */
function showHookProblem(problem) {
  const line = $('hook-problem');
  line.hidden = !problem;
  line.textContent = problem ?? '';
  line.title = problem ?? '';
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
setInterval(() => systems.refreshTimes(), 15000);

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
