/**
 * The DOM of the system list's parts: an organization's frame and a
 * system's row, which list.js puts together into the window of rows in view.
 * Every string from the API (names, messages, versions) goes in as text,
 * never as markup, and no style is set from script: the look lives in
 * popup.css, keyed by classes and data attributes. Behaviour (selection,
 * filtering, menus) is popup.js's. The history (history.js) draws its entries
 * with the same glyphs and el().
 */

import { ago, localTime } from './time.js';

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

/**
 * The priorities as the Rust side names them, in the menu's order: the word
 * of each (its tag and its menu item), what its tag explains when hovered
 * (normal, the usual, has no tag) and what the toast says once it is set.
 */
export const PRIORITIES = {
  'on-air': { word: 'on air', explained: 'On air: told urgently, even in quiet hours and a pause', set: 'is now on air' },
  normal: { word: 'normal', explained: null, set: 'now has normal priority' },
  lab: { word: 'lab', explained: 'A lab or test system: told quietly', set: 'is now a lab system' },
};

/** The item that gives a system back to the configuration's name patterns, and its toast. */
export const CONFIGURED_PRIORITY = { item: "Use the configuration's priority", set: "now follows the configuration's priority" };

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

const SVG = 'http://www.w3.org/2000/svg';

/**
 * A block as tall as the rows it stands in for (see list.js). The CSP allows
 * no style from script, so it is an empty svg whose height is an attribute.
 */
function spacer() {
  const block = document.createElementNS(SVG, 'svg');
  block.setAttribute('class', 'spacer');
  block.setAttribute('aria-hidden', 'true');
  block.setAttribute('focusable', 'false');
  block.setAttribute('height', '0');
  return block;
}

/** Sets a spacer's height in px. */
export function setSpacer(block, px) {
  const height = Math.max(0, px).toFixed(2);
  if (block.getAttribute('height') !== height) block.setAttribute('height', height);
}

/**
 * The frame of an organization: its head with the Rust side's summary of it
 * ("2 of 14 need attention"), its banner when it cannot be polled or a note
 * when it has no systems, and the spacers between which list.js puts the
 * rows. In the grid of systems, the rows and their spacers are a row group
 * named by the head (and described by the banner); the head and the banner
 * are not rows, so they stand outside it. Returns { element, top, bottom,
 * tick }, tick() bringing the banner's relative time up to date (null
 * without a banner).
 */
export function renderGroup(org, orgIndex) {
  const group = el('div', 'org');
  const head = el('div', 'org-head');
  head.id = `org-${orgIndex}`;
  const count = el('span', 'org-count', org.summary);
  count.classList.toggle('attention', org.attention > 0);
  head.append(el('span', 'org-name', org.name), count);
  group.append(head);
  // Several DataMiner versions in one organization: worth knowing before an upgrade.
  if (org.versions) group.append(el('div', 'org-versions', org.versions));

  // A row group of no rows would be none: without systems, the head and the note say it all.
  const rows = el('div', 'org-rows');
  if (org.systems.length > 0) {
    rows.setAttribute('role', 'rowgroup');
    rows.setAttribute('aria-labelledby', head.id);
  }
  let tick = null;
  if (org.error) {
    const banner = el('div', 'org-error');
    banner.id = `org-error-${orgIndex}`;
    const detail = el('div', 'org-error-detail');
    const lastGood = el('span');
    tick = () => {
      lastGood.textContent = org.lastGoodAt ? `last good data ${ago(org.lastGoodAt)}` : 'no data yet';
    };
    tick();
    appendParts(detail, [el('span', null, 'systems shown as unknown'), lastGood]);
    banner.append(el('div', 'org-error-message', org.error.message), detail);
    if (rows.hasAttribute('role')) rows.setAttribute('aria-describedby', banner.id);
    group.append(banner);
  } else if (org.systems.length === 0) {
    group.append(el('p', 'org-empty', org.lastGoodAt ? 'No systems in this organization' : 'Waiting for data…'));
  }

  const top = spacer();
  const bottom = spacer();
  rows.append(top, bottom);
  group.append(rows);
  return { element: group, top, bottom, tick };
}

/** The state a row shows: one of the contract's, an unexpected one as unknown. */
export const stateOf = (system) => (Object.hasOwn(GLYPHS, system.state) ? system.state : 'unknown');

/** { openable, reason }: whether a click may open the system's remote access, and if not, why. */
export function remoteOf(system) {
  const openable = Boolean(system.remote && system.remote.openable);
  const reason = openable ? null : (system.remote && system.remote.reason) || 'Remote access is not available';
  return { openable, reason };
}

/** A priority's tag ({ word, explained }), or null for a priority that has none. */
function tagOf(system) {
  const priority = PRIORITIES[system.priority];
  return priority && priority.explained ? priority : null;
}

/** What the filter looks in: the name, the organization, the state in words, and the words of the row's tags and acknowledgement. */
export function searchText(org, system) {
  const tag = tagOf(system);
  const words = [
    system.name,
    org.name,
    system.stateText,
    system.flapping ? 'flapping' : '',
    tag ? tag.word : '',
    system.acknowledged ? 'acknowledged' : '',
  ];
  return words.join('\n').toLocaleLowerCase();
}

function menuItem(label, role = 'menuitem') {
  const item = el('button', 'menu-item', label);
  item.type = 'button';
  item.tabIndex = -1;
  item.setAttribute('role', role);
  return item;
}

/**
 * The priorities side by side, as radio items under a caption that names
 * their group, the system's own checked; in the menu's order of items, so
 * the arrows go through them as through the others.
 */
function priorityChoices(system, id) {
  const group = el('div', 'menu-choices');
  group.setAttribute('role', 'group');
  const caption = el('span', 'menu-caption', 'Priority');
  caption.id = `${id}-priority`;
  caption.setAttribute('aria-hidden', 'true'); // said as the group's name, not again as text in it
  group.setAttribute('aria-labelledby', caption.id);
  group.append(caption);
  for (const [priority, { word }] of Object.entries(PRIORITIES)) {
    const item = menuItem(word, 'menuitemradio');
    item.setAttribute('aria-checked', String(system.priority === priority));
    item.dataset.priority = priority;
    group.append(item);
  }
  return group;
}

function separator() {
  const line = el('div', 'menu-separator');
  line.setAttribute('role', 'separator');
  return line;
}

/**
 * The row of a system, with its ⋯ menu (hidden): a row of the grid of
 * systems with two cells side by side, the system (what a click or Enter
 * opens) and its actions (the ⋯ button and its menu), so that no control
 * holds another. Returns { element, menuButton, menu, tick }, tick()
 * bringing its "last seen online" and its acknowledgement's time up to date
 * (null for a connected system, which has neither).
 */
export function renderRow(org, system, id) {
  const state = stateOf(system);
  const { openable, reason } = remoteOf(system);

  const row = el('div', 'row');
  row.id = id;
  row.setAttribute('role', 'row');
  row.setAttribute('aria-selected', 'false');
  row.dataset.state = state;
  if (!openable) row.classList.add('locked');
  if (system.acknowledged) row.classList.add('acknowledged');

  const version = system.dataMinerVersion;
  const kind = [system.typeText, version && `DataMiner ${version}`].filter(Boolean).join(' · ');
  row.title = [system.name, kind].filter(Boolean).join('\n');

  const dot = el('span', 'dot', GLYPHS[state]);
  dot.setAttribute('aria-hidden', 'true');

  const body = el('div', 'row-body');
  body.id = `${id}-text`;
  row.setAttribute('aria-labelledby', body.id); // the row's name: its text, not its menu
  // The priority's tag beside the name, which is cut short before the tag is.
  const nameLine = el('div', 'name-line');
  nameLine.append(el('span', 'name', system.name));
  const priority = tagOf(system);
  if (priority) {
    const tag = el('span', `tag ${system.priority}`, priority.word);
    tag.title = priority.explained;
    nameLine.append(' ', tag);
  }
  const stateLine = el('div', 'state-line');
  stateLine.append(el('span', 'state-text', system.stateText));
  if (system.flapping) {
    const tag = el('span', 'tag flapping', 'flapping');
    tag.title = 'Changing state too often; notifications are held until it is stable';
    stateLine.append(' ', tag);
  }
  body.append(nameLine, stateLine);

  const ticks = [];
  if (system.acknowledged) {
    const { by, at } = system.acknowledged;
    const line = el('div', 'acknowledgement');
    line.title = `Acknowledged ${localTime(at)}`;
    const mark = el('span', 'ack-mark', '✓');
    mark.setAttribute('aria-hidden', 'true');
    const when = el('span');
    ticks.push(() => {
      when.textContent = ago(at);
    });
    line.append(mark, ' ');
    appendParts(line, [el('span', null, `Acknowledged by ${by}`), when]);
    body.append(line);
  }

  const facts = [];
  if (state !== 'ok') {
    const seen = el('span', 'seen');
    ticks.push(() => {
      seen.textContent = system.lastSeenOnline ? `last seen online ${ago(system.lastSeenOnline)}` : 'never seen online';
    });
    facts.push(seen);
  }
  const tick = ticks.length ? () => ticks.forEach((update) => update()) : null;
  if (tick) tick();
  const { connected, total } = system.cloudGateways;
  const gateways = el('span', 'gateways', `${connected}/${total} Cloud Gateways`);
  if (system.redundancyDegraded) {
    gateways.classList.add('degraded');
    gateways.title = 'Cloud Gateway redundancy degraded';
  }
  facts.push(gateways);
  if (system.singleGateway) {
    const single = el('span', 'meta single-gateway', 'no Cloud Gateway redundancy');
    single.title = 'dataminer.services recommends more than one Cloud Gateway node for redundancy';
    facts.push(single);
  }
  if (system.typeText) facts.push(el('span', 'meta', system.typeText));
  if (version) facts.push(el('span', 'meta', version));
  const factLine = el('div', 'facts');
  appendParts(factLine, facts);
  body.append(factLine);

  if (reason) body.append(el('div', 'reason', reason));

  const menuButton = el('button', 'menu-button', '⋯');
  menuButton.type = 'button';
  menuButton.tabIndex = -1;
  menuButton.setAttribute('aria-haspopup', 'menu');
  menuButton.setAttribute('aria-expanded', 'false');
  menuButton.setAttribute('aria-label', `Actions for ${system.name}`);
  menuButton.title = 'Remote access, history, muting and priority';

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
  const history = menuItem('History'); // there with or without remote access, as are the items below
  history.dataset.history = '';
  const summary = menuItem('Copy incident summary');
  summary.dataset.summary = '';
  menu.append(separator(), history, summary, separator());
  if (system.acknowledgeable) {
    const acknowledge = menuItem('Acknowledge');
    acknowledge.dataset.acknowledge = '';
    menu.append(acknowledge);
  }
  for (const hours of MUTES) {
    const mute = menuItem(`Mute for ${hoursText(hours)}`);
    mute.dataset.mute = String(hours);
    menu.append(mute);
  }
  const configured = menuItem(CONFIGURED_PRIORITY.item);
  configured.dataset.priority = ''; // none of its own: the configuration's
  menu.append(separator(), priorityChoices(system, id), configured);

  const main = el('div', 'row-main');
  main.setAttribute('role', 'gridcell');
  main.append(dot, body);
  const actions = el('div', 'row-actions');
  actions.setAttribute('role', 'gridcell');
  actions.append(menuButton, menu);

  row.append(main, actions);
  return { element: row, menuButton, menu, tick };
}
