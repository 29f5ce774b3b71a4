// Log timestamps are the server's local wall-clock time. We keep them as "local seconds":
// seconds since 1970-01-01 00:00:00 of that wall clock, computed as if it were UTC. Only the
// `250 ok EPOCH qp PID` replies carry true UTC, which gives the offset between the two.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1000;
}

function twoDigits(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/** Parses `YYYY-MM-DD HH:MM:SS` at `at`; NaN when it is not one. */
export function parseIsoLocal(s: string, at = 0): number {
  if (s.length < at + 19 || s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45 || s.charCodeAt(at + 10) !== 32
    || s.charCodeAt(at + 13) !== 58 || s.charCodeAt(at + 16) !== 58) return NaN;
  const year = twoDigits(s, at) * 100 + twoDigits(s, at + 2);
  const month = twoDigits(s, at + 5);
  const day = twoDigits(s, at + 8);
  const h = twoDigits(s, at + 11);
  const m = twoDigits(s, at + 14);
  const sec = twoDigits(s, at + 17);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return NaN;
  return daysFromCivil(year, month, day) * 86400 + h * 3600 + m * 60 + sec;
}

/** Month (1-12) of a three-letter English month name at `at`, or 0. */
export function monthAt(s: string, at = 0): number {
  const name = s.substr(at, 3);
  return MONTHS.indexOf(name) + 1;
}

/** A syslog timestamp: month, day and time of day; the year only where the stamp has one. */
export interface SyslogStamp {
  month: number;
  day: number;
  secondsOfDay: number;
  /** The year of an RFC 3339 stamp; 0 for the classic stamp, which has none. */
  year: number;
  /** Characters the stamp takes. */
  length: number;
}

/**
 * Parses a syslog timestamp at `at`: the classic `Mon DD HH:MM:SS` (day space- or zero-padded;
 * with a fraction of the second as journalctl's short-precise output writes it),
 * or RFC 3339 as rsyslog writes it with its default high-precision format
 * (`2021-03-09T11:10:37.123456+01:00`; fraction and zone optional; the zone also as `+0100`, as
 * journalctl's short-iso output writes it). The clock time is kept as
 * written: it is the server's local time, like the other logs'. Undefined when there is none.
 */
export function parseSyslogStamp(s: string, at = 0): SyslogStamp | undefined {
  return parseClassicStamp(s, at) ?? parseRfc3339Stamp(s, at);
}

/** Length of `.123456` (1–9 digits) at `at`: 0 for none, -1 for a dot without digits. */
function fractionLength(s: string, at: number): number {
  if (s.charCodeAt(at) !== 46) return 0;
  let digits = 0;
  while (digits < 9 && digit(s, at + 1 + digits) >= 0) digits++;
  return digits ? 1 + digits : -1;
}

function parseClassicStamp(s: string, at: number): SyslogStamp | undefined {
  if (s.length < at + 15) return undefined;
  const month = monthAt(s, at);
  if (!month || s.charCodeAt(at + 3) !== 32) return undefined;
  const d1 = s.charCodeAt(at + 4) === 32 ? 0 : digit(s, at + 4);
  const day = d1 * 10 + digit(s, at + 5);
  if (s.charCodeAt(at + 6) !== 32 || s.charCodeAt(at + 9) !== 58 || s.charCodeAt(at + 12) !== 58) return undefined;
  const h = twoDigits(s, at + 7), m = twoDigits(s, at + 10), sec = twoDigits(s, at + 13);
  if (day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return undefined;
  const fraction = fractionLength(s, at + 15);
  if (fraction < 0) return undefined;
  return { month, day, secondsOfDay: h * 3600 + m * 60 + sec, year: 0, length: 15 + fraction };
}

function parseRfc3339Stamp(s: string, at: number): SyslogStamp | undefined {
  if (s.length < at + 19 || s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45 || s.charCodeAt(at + 10) !== 84
    || s.charCodeAt(at + 13) !== 58 || s.charCodeAt(at + 16) !== 58) return undefined;
  const year = twoDigits(s, at) * 100 + twoDigits(s, at + 2);
  const month = twoDigits(s, at + 5), day = twoDigits(s, at + 8);
  const h = twoDigits(s, at + 11), m = twoDigits(s, at + 14), sec = twoDigits(s, at + 17);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return undefined;
  const fraction = fractionLength(s, at + 19);
  if (fraction < 0) return undefined;
  let end = at + 19 + fraction;
  const z = s.charCodeAt(end);
  if (z === 90) end++;
  else if (z === 43 || z === 45) {
    // `+01:00` as RFC 3339 writes it, or ISO 8601's basic `+0100` (journalctl -o short-iso).
    const colon = s.charCodeAt(end + 3) === 58 ? 1 : 0;
    if (twoDigits(s, end + 1) < 0 || twoDigits(s, end + 3 + colon) < 0) return undefined;
    end += 5 + colon;
  }
  return { month, day, secondsOfDay: h * 3600 + m * 60 + sec, year, length: end - at };
}

export function localSecondsFor(year: number, month: number, day: number, secondsOfDay: number): number {
  return daysFromCivil(year, month, day) * 86400 + secondsOfDay;
}

/** Year, month and day of local seconds. */
export function civilFromLocalSeconds(t: number): { year: number; month: number; day: number } {
  const d = new Date(Math.floor(t) * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD HH:MM:SS` of local seconds. */
export function formatLocal(t: number): string {
  const d = new Date(t * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A UTC offset as ISO 8601 writes it, e.g. `+01:00`. */
export function formatUtcOffset(offsetSeconds: number): string {
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  return `${sign}${pad(Math.floor(abs / 3600))}:${pad(Math.floor((abs % 3600) / 60))}`;
}

/** ISO 8601 with the UTC offset, e.g. `2021-03-09T12:43:51+01:00`; without an offset, no suffix. */
export function formatIso(t: number, offsetSeconds: number | undefined): string {
  const base = formatLocal(t).replace(' ', 'T');
  return offsetSeconds === undefined ? base : `${base}${formatUtcOffset(offsetSeconds)}`;
}
