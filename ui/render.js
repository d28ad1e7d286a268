/**
 * Turns a PopupModel into the DOM of the system list. Every string from the
 * API (names, messages, versions) goes in as text, never as markup, and no
 * style is set from script: the look lives in popup.css, keyed by classes
 * and data attributes. Behaviour (selection, filtering, menus) is popup.js's.
 * The history (history.js) draws its entries with the same glyphs and el().
 */

import { ago } from './time.js';

/** Colour comes from CSS via data-state; the glyph says the same for colour-blind eyes. */
export const GLYPHS = { ok: '✓', dmsNotResponding: '!', noConnection: '✕', unknown: '?' };

const APPS = [
  { app: 'root', label: 'Open' },
  { app: 'monitoring', label: 'Monitoring' },
  { app: 'dashboard', label: 'Dashboards' },
];

/** The ⋯ menu's mute items; muting is the Rust side's (mute_system), the history still records. */
const MUTES = [1, 8, 24];

/** "1 hour", "8 hours": the words of a mute's length, in its menu item and its toast. */
export const hoursText = (hours) => (hours === 1 ? '1 hour' : `${hours} hours`);

/** document.createElement with a class and, optionally, text (always as text). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Puts the parts in `line` separated by dots; a line wraps only between parts, the dot at its end. */
function appendParts(line, parts) {
  parts.forEach((part, i) => {
    if (i > 0) line.append('\u00a0· ');
    line.append(part);
  });
}

function attentionText(org) {
  if (org.total === 0) return 'no systems';
  if (org.attention === 0) return org.total === 1 ? 'connected' : `all ${org.total} connected`;
  return `${org.attention} of ${org.total} ${org.attention === 1 ? 'needs' : 'need'} attention`;
}

/**
 * Renders the organizations into `list` (replacing its content).
 * Returns the rows, in display order, as { key, org, system, openable, reason,
 * element, menuButton, menu, haystack },
 * the groups as { org, element, rows }, and refreshTimes() to bring every
 * relative time up to date without rebuilding anything.
 */
export function renderOrganizations(list, organizations) {
  const rows = [];
  const groups = [];
  const clocks = []; // () => void, each rewrites one relative time

  const fragment = document.createDocumentFragment();
  organizations.forEach((org, orgIndex) => {
    const group = el('div', 'org');
    group.setAttribute('role', 'group');
    const head = el('div', 'org-head');
    head.id = `org-${orgIndex}`;
    const count = el('span', 'org-count', attentionText(org));
    count.classList.toggle('attention', org.attention > 0);
    head.append(el('span', 'org-name', org.name), count);
    group.setAttribute('aria-labelledby', head.id);
    group.append(head);

    if (org.error) {
      const banner = el('div', 'org-error');
      banner.id = `org-error-${orgIndex}`;
      const detail = el('div', 'org-error-detail');
      const lastGood = el('span');
      const tick = () => {
        lastGood.textContent = org.lastGoodAt ? `last good data ${ago(org.lastGoodAt)}` : 'no data yet';
      };
      tick();
      clocks.push(tick);
      appendParts(detail, [el('span', null, 'systems shown as unknown'), lastGood]);
      banner.append(el('div', 'org-error-message', org.error.message), detail);
      group.setAttribute('aria-describedby', banner.id);
      group.append(banner);
    } else if (org.systems.length === 0) {
      group.append(el('p', 'org-empty', org.lastGoodAt ? 'No systems in this organization' : 'Waiting for data…'));
    }

    const groupRows = [];
    for (const system of org.systems) {
      const row = renderSystem(org, system, `row-${rows.length}`, clocks);
      rows.push(row);
      groupRows.push(row);
      group.append(row.element);
    }
    groups.push({ org, element: group, rows: groupRows });
    fragment.append(group);
  });
  list.replaceChildren(fragment);

  return { rows, groups, refreshTimes: () => clocks.forEach((tick) => tick()) };
}

function menuItem(label) {
  const item = el('button', 'menu-item', label);
  item.type = 'button';
  item.tabIndex = -1;
  item.setAttribute('role', 'menuitem');
  return item;
}

function separator() {
  const line = el('div', 'menu-separator');
  line.setAttribute('role', 'separator');
  return line;
}

function renderSystem(org, system, id, clocks) {
  const state = system.state in GLYPHS ? system.state : 'unknown';
  const openable = Boolean(system.remote && system.remote.openable);

  const row = el('div', 'row');
  row.id = id;
  row.setAttribute('role', 'option');
  row.setAttribute('aria-selected', 'false');
  row.dataset.state = state;
  if (!openable) row.classList.add('locked');

  const version = system.dataMinerVersion;
  const kind = [system.typeText, version && `DataMiner ${version}`].filter(Boolean).join(' · ');
  row.title = [system.name, kind].filter(Boolean).join('\n');

  const dot = el('span', 'dot', GLYPHS[state]);
  dot.setAttribute('aria-hidden', 'true');

  const body = el('div', 'row-body');
  body.id = `${id}-text`;
  row.setAttribute('aria-labelledby', body.id); // the option's name: its text, not its menu
  const stateLine = el('div', 'state-line');
  stateLine.append(el('span', 'state-text', system.stateText));
  if (system.flapping) {
    const tag = el('span', 'tag flapping', 'flapping');
    tag.title = 'Changing state too often; notifications are held until it is stable';
    stateLine.append(' ', tag);
  }
  body.append(el('div', 'name', system.name), stateLine);

  const facts = [];
  if (state !== 'ok') {
    const seen = el('span', 'seen');
    const tick = () => {
      seen.textContent = system.lastSeenOnline ? `last seen online ${ago(system.lastSeenOnline)}` : 'never seen online';
    };
    tick();
    clocks.push(tick);
    facts.push(seen);
  }
  const { connected, total } = system.cloudGateways;
  const gateways = el('span', 'gateways', `${connected}/${total} Cloud Gateways`);
  if (system.redundancyDegraded) {
    gateways.classList.add('degraded');
    gateways.title = 'Cloud Gateway redundancy degraded';
  }
  facts.push(gateways);
  if (system.typeText) facts.push(el('span', 'meta', system.typeText));
  if (version) facts.push(el('span', 'meta', version));
  const factLine = el('div', 'facts');
  appendParts(factLine, facts);
  body.append(factLine);

  const reason = openable ? null : (system.remote && system.remote.reason) || 'Remote access is not available';
  if (reason) body.append(el('div', 'reason', reason));

  const menuButton = el('button', 'menu-button', '⋯');
  menuButton.type = 'button';
  menuButton.tabIndex = -1;
  menuButton.setAttribute('aria-haspopup', 'menu');
  menuButton.setAttribute('aria-expanded', 'false');
  menuButton.setAttribute('aria-label', `Actions for ${system.name}`);
  menuButton.title = 'Remote access, history and muting';

  const menu = el('div', 'menu');
  menu.setAttribute('role', 'menu');
  menu.setAttribute('aria-label', `Actions for ${system.name}`);
  menu.hidden = true;
  for (const { app, label } of APPS) {
    const item = menuItem(label);
    item.dataset.app = app;
    if (!openable) item.setAttribute('aria-disabled', 'true');
    menu.append(item);
  }
  const history = menuItem('History'); // there with or without remote access, as is muting
  history.dataset.history = '';
  menu.append(separator(), history, separator());
  for (const hours of MUTES) {
    const mute = menuItem(`Mute for ${hoursText(hours)}`);
    mute.dataset.mute = String(hours);
    menu.append(mute);
  }

  row.append(dot, body, menuButton, menu);
  const words = [system.name, org.name, system.stateText, system.flapping ? 'flapping' : ''];
  const haystack = words.join('\n').toLocaleLowerCase();
  return { key: `${org.id}/${system.id}`, org, system, openable, reason, element: row, menuButton, menu, haystack };
}
