/**
 * The popup's only door to the Rust side. Tauri injects `window.__TAURI__`
 * (app.withGlobalTauri); every command and event of the contract is named
 * here once, so the rest of the UI never touches globals and the tests can
 * stub exactly this boundary.
 *
 * A command that fails rejects with a CommandError, { field, message }:
 * `message` says what is wrong in words for the user, `field` names the
 * setting it is about ("pollInterval", "quietHours", "autostart") or is
 * null. Tauri itself may still reject with a plain string (a command it
 * cannot run); errorText() reads either.
 */

const tauri = () => window.__TAURI__;
const invoke = (cmd, args) => tauri().core.invoke(cmd, args);

/** The PopupModel; called once on load. */
export const getView = () => invoke('get_view');

/** app: "root" | "monitoring" | "dashboard". Rejects with a CommandError. */
export const openRemote = (organizationId, systemId, app) =>
  invoke('open_remote', { organizationId, systemId, app });

export const refreshNow = () => invoke('refresh_now');

/** The Rust side destroys the window. */
export const hidePopup = () => invoke('hide_popup');

/**
 * { pollInterval, autostart, notifications, configPath, editable, reason, keys }, where keys is
 * [{ organizationId, name, from, configuredName, apiUrl }]: each organization as the file has it
 * (configuredName null when the file gives it no name) and where its key comes from, never the key.
 */
export const getSettings = () => invoke('get_settings');

/**
 * notifications: { dmsNotResponding, noConnection, unknown, backOnline, redundancy,
 * addedRemoved, organization, version, quietHours }. Rejects with a CommandError whose
 * field is the setting that was refused: "pollInterval", "quietHours",
 * "autostart", or null when it is none of them (the file cannot be written).
 */
export const saveSettings = (pollInterval, autostart, notifications) =>
  invoke('save_settings', { pollInterval, autostart, notifications });

/** Holds a system's notifications for `hours` (1 to 168). Rejects with a CommandError. */
export const muteSystem = (organizationId, systemId, hours) =>
  invoke('mute_system', { organizationId, systemId, hours });

/** Acknowledges the system's outage as the local user. Rejects with a CommandError. */
export const acknowledge = (organizationId, systemId) => invoke('acknowledge', { organizationId, systemId });

/**
 * priority: "on-air" | "normal" | "lab", or null to go back to the configuration's
 * patterns. Rejects with a CommandError.
 */
export const setPriority = (organizationId, systemId, priority) =>
  invoke('set_priority', { organizationId, systemId, priority });

/**
 * Hands a pasted key to the monitor, which stores it in the OS keyring and polls with it.
 * Rejects with a CommandError whose field is "key" when the text cannot be a key.
 */
export const storeKey = (organizationId, key) => invoke('store_key', { organizationId, key });

/**
 * Adds an organization (previousId null) or changes organization previousId: name ("" for
 * the name dataminer.services reports), apiUrl, organizationId (text, checked by the Rust
 * side) and key (pasted, or null to keep the organization's key; a new organization needs
 * one). Rejects with a CommandError whose field is "organizationName", "apiUrl",
 * "organizationId" or "key", or null.
 */
export const saveOrganization = (previousId, name, apiUrl, organizationId, key) =>
  invoke('save_organization', { previousId, name, apiUrl, organizationId, key });

/** Removes an organization from the configuration (and its key from the keyring). */
export const removeOrganization = (organizationId) => invoke('remove_organization', { organizationId });

/**
 * One poll with the form's values: { connected, message }, the message in words ("Connected
 * to Skyline with 12 systems", "Key rejected: …", "Cannot reach the API: …", "Certificate
 * problem: …"). Without a key, the key of organization previousId is used. Rejects with a
 * CommandError naming the field that cannot be used.
 */
export const testConnection = (previousId, apiUrl, organizationId, key) =>
  invoke('test_connection', { previousId, apiUrl, organizationId, key });

/**
 * Puts the system's incident summary (state, last seen, Cloud Gateways, version, its last 24 h
 * of changes, links) on the clipboard. Rejects with a CommandError.
 */
export const copyIncidentSummary = (organizationId, systemId) =>
  invoke('copy_incident_summary', { organizationId, systemId });

/** Puts the handover report of the last 12 hours (Markdown) on the clipboard. Rejects with a CommandError. */
export const copyReport = () => invoke('copy_report');

/** The newest changes first (at most 500) whose system, organization or text contains `query`. */
export const getHistory = (query) => invoke('get_history', { query });

/** range: "24h" | "7d". { uptime, segments: [{ from, to, state }] }, the segments in order. */
export const getStrip = (organizationId, systemId, range) =>
  invoke('get_strip', { organizationId, systemId, range });

/** handler(model) on every new PopupModel. */
export const onViewUpdated = (handler) => tauri().event.listen('view-updated', (event) => handler(event.payload));

/** handler() when the tray menu asks for the settings. */
export const onShowSettings = (handler) => tauri().event.listen('show-settings', () => handler());

/** The field a rejection is about ("pollInterval", …), or null: a string or anything else is about none. */
export const errorField = (error) =>
  (error !== null && typeof error === 'object' && typeof error.field === 'string' ? error.field : null);

/**
 * A rejection's text: a CommandError's message, a plain string as it is,
 * anything else (an Error, say) as best we can.
 */
export const errorText = (error) => {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && typeof error.message === 'string' && error.message) return error.message;
  return String(error);
};
