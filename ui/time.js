/**
 * Relative times in the words dataminer.services uses ("just now",
 * "15 minutes ago"), so that the popup and the home page read alike, plus the
 * footer's finer "12 s ago" and the exact local time that tooltips give.
 * Times are measured against the page's clock, which is the same machine
 * clock the Rust side stamps its data with.
 */

const plural = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'} ago`;

/** "just now", "1 minute ago", "15 minutes ago", "2 hours ago", "3 days ago". */
export function ago(iso, now = Date.now()) {
  const seconds = Math.floor((now - Date.parse(iso)) / 1000);
  if (!(seconds >= 60)) return 'just now'; // also a clock a little ahead, or a bad date
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return plural(hours, 'hour');
  return plural(Math.floor(hours / 24), 'day');
}

/** The footer: "updated 12 s ago" for the first minute, then as ago(). */
export function updatedAgo(iso, now = Date.now()) {
  if (!iso) return 'updating…';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  return seconds < 60 ? `updated ${seconds} s ago` : `updated ${ago(iso, now)}`;
}

/** The exact time in the desktop's locale and time zone: "Nov 21, 2026, 9:45:00 AM". */
export const localTime = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A span of time to the minute, the date said once when both ends share it: "Nov 21, 2026, 6:00 – 6:30 AM". */
export const localSpan = (fromIso, toIso) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).formatRange(new Date(fromIso), new Date(toIso));
