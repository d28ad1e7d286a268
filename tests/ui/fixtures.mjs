/**
 * PopupModels, settings, history entries, strips and command errors as the
 * Rust side sends them. Every helper starts from a deep copy of an object in
 * fixtures/contract.json, which a Rust test writes from the real types, and
 * overrides only what a test is about (a name, an id, a state and what
 * follows from it), so that a field the Rust side renames or adds reaches
 * the suite. An override of a field the contract does not have is an error,
 * not a silent extra. All times are relative to NOW, where the page's clock
 * is paused.
 */

import { readFileSync } from 'node:fs';

const CONTRACT = JSON.parse(readFileSync(new URL('./fixtures/contract.json', import.meta.url), 'utf8'));
const copy = (value) => structuredClone(value);

export const NOW = CONTRACT.now;

/** NOW minus `seconds`, as RFC 3339. */
export const before = (seconds) => new Date(Date.parse(NOW) - seconds * 1000).toISOString().replace('.000Z', 'Z');

/** The words of each state, as the Rust side writes them. */
export const STATE_TEXT = Object.freeze(copy(CONTRACT.stateText));

export const SETTINGS = copy(CONTRACT.settings);

/** A command's refusals as the Rust side sends them: { field, message }. */
export const ERRORS = copy(CONTRACT.errors);

/** What Test connection finds, { connected, message }: `connected`, and `keyRejected`. */
export const CONNECTION_TESTS = copy(CONTRACT.connectionTests);

/** A refusal about `field` (null: about nothing the page has a field for). */
export const refusal = (field, message) => override(ERRORS.pollInterval, { field, message }, 'error');

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Shapes of fields that are null in the objects the helpers start from. */
const organizations = CONTRACT.popupModel.organizations;
const NULLABLE = {
  'organization.error': organizations.find((o) => o.error)?.error,
  'system.acknowledged': organizations.flatMap((o) => o.systems).find((s) => s.acknowledged)?.acknowledged,
};

/**
 * A copy of `base` with the fields of `extra`, each of which must be a field
 * of `base` (checked into nested objects as far as the contract shows them).
 */
function override(base, extra, what) {
  for (const [key, value] of Object.entries(extra)) {
    if (!(key in base)) throw new Error(`${what}.${key} is not in contract.json; did the Rust side rename it?`);
    const shape = base[key] ?? NULLABLE[`${what}.${key}`];
    if (isObject(value) && isObject(shape)) override(shape, value, `${what}.${key}`);
  }
  return { ...copy(base), ...extra };
}

let serial = 0;
const guid = (prefix) => `${prefix}${String(++serial).padStart(7, '0')}-4b5a-4c6d-8e7f-9a0b1c2d3e4f`;

/** An id and the strings of `base` that name its id (a URL), for a new id. */
function withId(base, prefix) {
  const id = guid(prefix);
  const renamed = Object.entries(base)
    .filter(([key, value]) => key !== 'id' && typeof value === 'string' && value.includes(base.id))
    .map(([key, value]) => [key, value.replaceAll(base.id, id)]);
  return { id, ...Object.fromEntries(renamed) };
}

/** The contract's system of `state`: in an organization that could be polled, plain (not degraded, not flapping) when there is one. */
function systemOf(state) {
  const candidates = [...organizations]
    .sort((a, b) => Boolean(a.error) - Boolean(b.error))
    .flatMap((o) => o.systems)
    .filter((s) => s.state === state);
  const plain = candidates.find((s) => !s.redundancyDegraded && !s.flapping) ?? candidates[0];
  if (!plain) throw new Error(`contract.json has no system in state ${state}`);
  return plain;
}

const needsAttention = (s) => s.state !== 'ok' || s.redundancyDegraded;

/** The states a system can be acknowledged in, as the Rust side's Acknowledgement::can_acknowledge. */
const OUTAGES = ['noConnection', 'dmsNotResponding', 'unknown'];

/**
 * A system named `name` in `state`, as the contract's system in that state,
 * with `extra`. It is of normal priority and nobody has acknowledged it
 * unless `extra` says so, whichever system of the contract it starts from
 * (the contract's are on air, or acknowledged, as it shows them).
 */
export function system(name, state = 'ok', extra = {}) {
  const base = systemOf(state);
  const plain = { priority: 'normal', acknowledged: null, acknowledgeable: OUTAGES.includes(state) && !extra.acknowledged };
  return override(base, { ...withId(base, '5'), name, ...plain, ...extra }, 'system');
}

/** What `acknowledged` holds: `by` acknowledged the system's outage in `state`, `seconds` before NOW. */
export const acknowledgement = (by, seconds, state) =>
  override(NULLABLE['system.acknowledged'], { by, at: before(seconds), state }, 'acknowledgement');

/** The Rust side's words for an organization's systems, as the contract's summaries are. */
function orgSummary(total, attention) {
  if (total === 0) return 'no systems';
  if (attention === 0) return total === 1 ? 'connected' : `all ${total} connected`;
  return `${attention} of ${total} ${attention === 1 ? 'needs' : 'need'} attention`;
}

/** An organization that could be polled, as the contract's, with `systems` and `extra`. */
export function organization(name, systems, extra = {}) {
  const base = organizations.find((o) => !o.error) ?? organizations[0];
  const attention = systems.filter(needsAttention).length;
  return override(base, {
    ...withId(base, '0'),
    name,
    error: null,
    versions: null,
    total: systems.length,
    attention,
    summary: orgSummary(systems.length, attention),
    systems,
    ...extra,
  }, 'organization');
}

export function popupModel(orgs, extra = {}) {
  const all = orgs.flatMap((o) => o.systems);
  const attention = all.filter(needsAttention).length;
  return override(CONTRACT.popupModel, {
    summary: attention ? `${attention} of ${all.length} systems need attention` : `All ${all.length} systems connected`,
    level: attention ? 'noConnection' : 'ok',
    organizations: orgs,
    ...extra,
  }, 'popupModel');
}

/** One organization with one system in each state, in the Rust side's order. */
export function fourStates() {
  return popupModel([
    organization('Skyline', [
      system('Tokyo MCR', 'noConnection', { lastSeenOnline: before(3 * 3600), cloudGateways: { connected: 0, total: 2 } }),
      system('Ziine', 'dmsNotResponding', {
        lastSeenOnline: before(29 * 60),
        cloudGateways: { connected: 2, total: 3 },
        redundancyDegraded: true,
        dataMinerVersion: '10.5.1.0-15231',
      }),
      system('Lab Cluster', 'unknown', { lastSeenOnline: null }),
      system('Brussels Playout', 'ok', { cloudGateways: { connected: 3, total: 3 }, dataMinerVersion: '10.6.2.0-16001' }),
    ]),
  ]);
}

/**
 * What the screenshots show: a dozen systems of one organization, mixed
 * states, two on air and a lab, one outage acknowledged; in the Rust side's
 * order (problems nobody has acknowledged, then acknowledged ones, then the
 * rest; on air before normal before lab in each).
 */
export function realistic() {
  const m = (minutes) => before(minutes * 60);
  const daas = { type: 'dataMinerAsAService', typeText: 'DataMiner as a Service' };
  return popupModel(
    [
      organization('Skyline Communications', [
        system('Tokyo MCR', 'noConnection', { lastSeenOnline: m(180), cloudGateways: { connected: 0, total: 2 }, priority: 'on-air' }),
        system('Sydney Contribution Hub — Secondary Playout Facility', 'noConnection', {
          lastSeenOnline: m(60 * 26),
          cloudGateways: { connected: 0, total: 3 },
          dataMinerVersion: '10.4.0.0-14502',
        }),
        system('Amsterdam NOC', 'ok', { cloudGateways: { connected: 2, total: 3 }, redundancyDegraded: true }),
        system('Lab Cluster', 'unknown', { lastSeenOnline: null, dataMinerVersion: null, priority: 'lab' }),
        system('Ziine', 'dmsNotResponding', {
          lastSeenOnline: m(15),
          cloudGateways: { connected: 2, total: 3 },
          redundancyDegraded: true,
          acknowledged: acknowledgement('alice', 4 * 60, 'dmsNotResponding'),
        }),
        system('Brussels Playout', 'ok', {
          cloudGateways: { connected: 3, total: 3 },
          dataMinerVersion: '10.6.2.0-16001',
          priority: 'on-air',
        }),
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
  const base = CONTRACT.history.find((e) => e.systemId) ?? CONTRACT.history[0];
  return override(base, {
    at,
    organizationName: org.name,
    systemName: system ? system.name : null,
    text,
    state,
    organizationId: org.id,
    systemId: system ? system.id : null,
  }, 'change');
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
    const segment = override(CONTRACT.strip.segments[0], { from: before(left * 3600), to: before((left - h) * 3600), state }, 'segment');
    left -= h;
    return segment;
  });
  const known = hours((s) => s !== null);
  return override(CONTRACT.strip, { uptime: known ? hours((s) => s === 'ok') / known : null, segments }, 'strip');
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
