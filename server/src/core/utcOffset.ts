// The server's UTC offset, read off the queue replies (`250 ok EPOCH qp PID`: local time of the
// line, UTC in EPOCH). A download that spans a daylight-saving change has two offsets (or more,
// over a year): each holds from the first queue reply that shows it.

export interface UtcOffsetPeriod {
  /** UTC seconds from which this offset holds (see changeTime); -Infinity for the first period. */
  fromUtc: number;
  seconds: number;
}

export interface UtcOffset {
  /** The offset most queue replies show. */
  seconds: number;
  /** Queue replies whose offset is the one of their period, of `total`. */
  agreeing: number;
  total: number;
  /** In time order; one period when the offset never changed. */
  periods: UtcOffsetPeriod[];
}

// A run of fewer replies than this with another offset is an odd reply, not a change.
const MIN_RUN = 3;
// More changes than daylight saving makes in a download of a year or so: no pattern, one offset.
const MAX_PERIODS = 6;
// The reply's second and its EPOCH may differ by a second or two: offsets round to 15 minutes.
const QUANTUM = 900;

/** From parallel lists of the local time and the EPOCH of each queue reply; undefined for none. */
export function deriveUtcOffset(local: ArrayLike<number>, epoch: ArrayLike<number>, count: number): UtcOffset | undefined {
  if (count === 0) return undefined;
  const off = new Float64Array(count);
  const counts = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    off[i] = Math.round((local[i] - epoch[i]) / QUANTUM) * QUANTUM;
    counts.set(off[i], (counts.get(off[i]) ?? 0) + 1);
  }
  let best = 0, bestCount = 0, significant = 0;
  for (const [o, n] of counts) {
    if (n > bestCount) { best = o; bestCount = n; }
    if (n >= MIN_RUN) significant++;
  }
  const single: UtcOffset = { seconds: best, agreeing: bestCount, total: count, periods: [{ fromUtc: -Infinity, seconds: best }] };
  if (significant < 2) return single;

  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => epoch[a] - epoch[b] || a - b);
  // Runs of equal offsets in time order, short runs dropped, then neighbours of equal offset merged.
  const runs: Array<{ start: number; seconds: number; length: number }> = [];
  for (let k = 0; k < count;) {
    let j = k + 1;
    while (j < count && off[order[j]] === off[order[k]]) j++;
    if (j - k >= MIN_RUN) {
      const last = runs[runs.length - 1];
      if (last && last.seconds === off[order[k]]) last.length += j - k;
      else runs.push({ start: k, seconds: off[order[k]], length: j - k });
    }
    k = j;
  }
  if (runs.length < 2 || runs.length > MAX_PERIODS) return single;
  const periods = runs.map((r, i) => ({
    fromUtc: i === 0 ? -Infinity : changeTime(epoch[order[r.start - 1]], epoch[order[r.start]], runs[i - 1].seconds),
    seconds: r.seconds,
  }));
  const result: UtcOffset = { seconds: best, agreeing: 0, total: count, periods };
  for (let i = 0; i < count; i++) if (off[i] === offsetAtUtc(result, epoch[i])) result.agreeing++;
  return result;
}

/**
 * When the offset changed, between the last queue reply with the old one (UTC `after`) and the
 * first with the new (`until`). Clocks change on the hour, at night: all of Europe (old offsets
 * from UTC to UTC+03:00) at 01:00 UTC; most other places at 02:00 or 03:00 local time of the old
 * offset. Failing those, the last full hour of the gap, else `until`.
 */
function changeTime(after: number, until: number, oldOffset: number): number {
  const latestHour = Math.floor(until / 3600) * 3600;
  const hourWhere = (matches: (h: number) => boolean): number | undefined => {
    for (let h = latestHour, n = 0; h > after && n < 48; h -= 3600, n++) if (matches(h)) return h;
    return undefined;
  };
  const hourOfDay = (t: number) => ((Math.floor(t / 3600) % 24) + 24) % 24;
  const european = oldOffset >= 0 && oldOffset <= 3 * 3600 ? hourWhere((h) => hourOfDay(h) === 1) : undefined;
  return european ?? hourWhere((h) => hourOfDay(h + oldOffset) === 2) ?? hourWhere((h) => hourOfDay(h + oldOffset) === 3)
    ?? (latestHour > after ? latestHour : until);
}

/** The offset in force at a UTC time. */
export function offsetAtUtc(o: UtcOffset, utc: number): number {
  const p = o.periods;
  for (let i = p.length - 1; i > 0; i--) if (utc >= p[i].fromUtc) return p[i].seconds;
  return p[0].seconds;
}

/**
 * The offset in force at a local time. In the hour a change back repeats, the later offset wins:
 * a local time alone cannot tell the two apart.
 */
export function offsetAtLocal(o: UtcOffset, local: number): number {
  const p = o.periods;
  for (let i = p.length - 1; i > 0; i--) if (local - p[i].seconds >= p[i].fromUtc) return p[i].seconds;
  return p[0].seconds;
}
