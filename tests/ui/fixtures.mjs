/**
 * PopupModels, settings, history entries and strips as the Rust side sends
 * them (the contract in the popup's brief), built from small helpers so that
 * each test states only what it is about. All times are relative to NOW, where the page's clock
 * is paused.
 */

export const NOW = '2026-11-21T10:00:00Z';

/** NOW minus `seconds`, as RFC 3339. */
export const before = (seconds) => new Date(Date.parse(NOW) - seconds * 1000).toISOString().replace('.000Z', 'Z');

export const STATE_TEXT = {
  ok: 'Connected',
  dmsNotResponding: 'Cloud connection valid, DMS not responding',
  noConnection: 'No connection to dataminer.services',
  unknown: 'The state of the DMS could not be determined. Apps may not be available.',
};

const NOT_CONNECTED = 'Remote access needs a connected DMS';

let serial = 0;
const guid = (prefix) => `${prefix}${String(++serial).padStart(7, '0')}-4b5a-4c6d-8e7f-9a0b1c2d3e4f`;

export function system(name, state = 'ok', extra = {}) {
  const ok = state === 'ok';
  return {
    id: guid('5'),
    name,
    state,
    stateText: STATE_TEXT[state],
    redundancyDegraded: false,
    flapping: false,
    lastSeenOnline: ok ? NOW : before(15 * 60),
    cloudGateways: ok ? { connected: 2, total: 2 } : { connected: 0, total: 2 },
    type: 'selfHosted',
    typeText: 'Self-hosted',
    dataMinerVersion: '10.5.1.0-15231',
    remote: ok ? { openable: true, reason: null } : { openable: false, reason: NOT_CONNECTED },
    ...extra,
  };
}

export function organization(name, systems, extra = {}) {
  return {
    id: guid('0'),
    name,
    homeUrl: 'https://dataminer.services/org',
    error: null,
    lastGoodAt: before(12),
    total: systems.length,
    attention: systems.filter((s) => s.state !== 'ok' || s.redundancyDegraded).length,
    systems,
    ...extra,
  };
}

export function popupModel(organizations, extra = {}) {
  const all = organizations.flatMap((o) => o.systems);
  const attention = all.filter((s) => s.state !== 'ok' || s.redundancyDegraded).length;
  return {
    now: NOW,
    lastUpdate: before(12),
    demo: null,
    summary: attention ? `${attention} of ${all.length} systems need attention` : `All ${all.length} systems connected`,
    level: attention ? 'noConnection' : 'ok',
    organizations,
    ...extra,
  };
}

export const SETTINGS = {
  pollInterval: '60s',
  autostart: false,
  configPath: '/home/u/.config/dms-tray/config.toml',
  editable: true,
  reason: null,
  notifications: {
    dmsNotResponding: true,
    noConnection: true,
    unknown: true,
    backOnline: true,
    redundancy: true,
    addedRemoved: true,
    organization: true,
    quietHours: '',
  },
};

/** One organization with one system in each state, in the Rust side's order. */
export function fourStates() {
  return popupModel([
    organization('Skyline', [
      system('Tokyo MCR', 'noConnection', { lastSeenOnline: before(3 * 3600), cloudGateways: { connected: 0, total: 2 } }),
      system('Ziine', 'dmsNotResponding', {
        lastSeenOnline: before(29 * 60),
        cloudGateways: { connected: 2, total: 3 },
        redundancyDegraded: true,
      }),
      system('Lab Cluster', 'unknown', { lastSeenOnline: null }),
      system('Brussels Playout', 'ok', { cloudGateways: { connected: 3, total: 3 }, dataMinerVersion: '10.6.2.0-16001' }),
    ]),
  ]);
}

/** What the screenshots show: a dozen systems of one organization, mixed states. */
export function realistic() {
  const m = (minutes) => before(minutes * 60);
  const daas = { type: 'dataMinerAsAService', typeText: 'DataMiner as a Service' };
  return popupModel(
    [
      organization('Skyline Communications', [
        system('Tokyo MCR', 'noConnection', { lastSeenOnline: m(180), cloudGateways: { connected: 0, total: 2 } }),
        system('Sydney Contribution Hub — Secondary Playout Facility', 'noConnection', {
          lastSeenOnline: m(60 * 26),
          cloudGateways: { connected: 0, total: 3 },
          dataMinerVersion: '10.4.0.0-14502',
        }),
        system('Ziine', 'dmsNotResponding', {
          lastSeenOnline: m(15),
          cloudGateways: { connected: 2, total: 3 },
          redundancyDegraded: true,
        }),
        system('Lab Cluster', 'unknown', { lastSeenOnline: null, dataMinerVersion: null }),
        system('Amsterdam NOC', 'ok', { cloudGateways: { connected: 2, total: 3 }, redundancyDegraded: true }),
        system('Brussels Playout', 'ok', { cloudGateways: { connected: 3, total: 3 }, dataMinerVersion: '10.6.2.0-16001' }),
        system('Dallas Teleport', 'ok', { ...daas, dataMinerVersion: '10.6.3.0-16120' }),
        system('Frankfurt Edge', 'ok', { cloudGateways: { connected: 1, total: 1 }, flapping: true }),
        system('Ghent Studio A', 'ok'),
        system('Hamburg Master Control', 'ok', daas),
        system('Madrid Transmission', 'ok'),
        system('São Paulo Ingest', 'ok', { dataMinerVersion: '10.5.4.0-15602' }),
      ]),
    ],
  );
}

/**
 * A history entry as get_history returns it: a change of `system` of `org`
 * (both objects of a PopupModel), or of the organization itself when system
 * is null. `state` is the state the system went to, null for other changes.
 */
export function change(org, system, text, state, at) {
  return {
    at,
    organizationName: org.name,
    systemName: system ? system.name : null,
    text,
    state,
    organizationId: org.id,
    systemId: system ? system.id : null,
  };
}

/**
 * A strip as get_strip returns it, over `range` up to NOW: parts are
 * [state, hours] in order and cover the range; null is a time without data.
 */
export function strip(parts, range = '24h') {
  const hours = (state) => parts.filter(([s]) => state(s)).reduce((sum, [, h]) => sum + h, 0);
  if (hours(() => true) !== (range === '7d' ? 7 * 24 : 24)) throw new Error(`the parts do not cover ${range}`);
  let left = hours(() => true);
  const segments = parts.map(([state, h]) => {
    const segment = { from: before(left * 3600), to: before((left - h) * 3600), state };
    left -= h;
    return segment;
  });
  const known = hours((s) => s !== null);
  return { uptime: known ? hours((s) => s === 'ok') / known : null, segments };
}

/** What the history screenshots show: a day of changes of realistic()'s systems, newest first. */
export function realisticHistory(view) {
  const org = view.organizations[0];
  const of = (name) => org.systems.find((s) => s.name.startsWith(name));
  const m = (minutes) => before(minutes * 60);
  return [
    change(org, of('Ziine'), STATE_TEXT.dmsNotResponding, 'dmsNotResponding', m(15)),
    change(org, of('Ziine'), '2 of 3 Cloud Gateways connected', null, m(16)),
    change(org, of('Amsterdam NOC'), '2 of 3 Cloud Gateways connected', null, m(42)),
    change(org, of('Lab Cluster'), 'The state of the DMS could not be determined', 'unknown', m(75)),
    change(org, of('Tokyo MCR'), STATE_TEXT.noConnection, 'noConnection', m(180)),
    change(org, of('Frankfurt Edge'), 'Back online', 'ok', m(205)),
    change(org, of('Frankfurt Edge'), STATE_TEXT.noConnection, 'noConnection', m(232)),
    change(org, null, 'dataminer.services error 503', null, m(300)),
    change(org, of('São Paulo'), 'Added', null, m(60 * 9)),
    change(org, of('Sydney'), STATE_TEXT.noConnection, 'noConnection', m(60 * 26)),
    change(org, of('Hamburg'), 'Removed', null, m(60 * 30)),
  ];
}

/** Ziine's day in the screenshots: a night without data, an outage, and now not responding. */
export const realisticStrip = () =>
  strip([['ok', 9], [null, 3], ['ok', 8], ['noConnection', 0.5], ['ok', 3.25], ['dmsNotResponding', 0.25]]);
