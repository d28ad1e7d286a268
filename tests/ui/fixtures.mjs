/**
 * PopupModels and settings as the Rust side sends them (the contract in the
 * popup's brief), built from small helpers so that each test states only
 * what it is about. All times are relative to NOW, where the page's clock
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
        system('Frankfurt Edge', 'ok', { cloudGateways: { connected: 1, total: 1 } }),
        system('Ghent Studio A', 'ok'),
        system('Hamburg Master Control', 'ok', daas),
        system('Madrid Transmission', 'ok'),
        system('São Paulo Ingest', 'ok', { dataMinerVersion: '10.5.4.0-15602' }),
      ]),
    ],
  );
}
