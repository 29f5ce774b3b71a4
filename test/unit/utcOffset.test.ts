// The server's UTC offset from queue replies, also across a daylight-saving change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveUtcOffset, offsetAtLocal, offsetAtUtc } from '../../server/src/core/utcOffset';

const CHANGE_UTC = Date.UTC(2021, 2, 28, 1, 0, 0) / 1000; // 02:00 CET -> 03:00 CEST
const HOUR = 3600;

/** Queue replies every `step` seconds of UTC from `start`, with the offset Berlin had then. */
function replies(start: number, count: number, step: number, offsetOf = (utc: number) => (utc < CHANGE_UTC ? HOUR : 2 * HOUR)) {
  const local: number[] = [], epoch: number[] = [];
  for (let i = 0; i < count; i++) {
    const utc = start + i * step;
    epoch.push(utc);
    local.push(utc + offsetOf(utc) + (i % 3)); // the reply's second may trail EPOCH a little
  }
  return { local, epoch };
}

test('no queue reply: no offset', () => {
  assert.equal(deriveUtcOffset([], [], 0), undefined);
});

test('one offset all along: one period, every reply agrees', () => {
  const { local, epoch } = replies(CHANGE_UTC - 10 * HOUR, 20, 600, () => -5 * HOUR);
  const o = deriveUtcOffset(local, epoch, local.length)!;
  assert.equal(o.seconds, -5 * HOUR);
  assert.deepEqual(o.periods, [{ fromUtc: -Infinity, seconds: -5 * HOUR }]);
  assert.equal(o.agreeing, 20);
  assert.equal(offsetAtLocal(o, local[3]), -5 * HOUR);
});

test('across the spring change: two periods, the second from the first reply after it', () => {
  const { local, epoch } = replies(CHANGE_UTC - 4 * HOUR + 300, 16, 1800);
  const o = deriveUtcOffset(local, epoch, local.length)!;
  assert.equal(o.periods.length, 2);
  assert.equal(o.periods[0].seconds, HOUR);
  assert.equal(o.periods[1].seconds, 2 * HOUR);
  // The change is placed at 02:00 local (old offset) between the last reply before and the first after.
  const firstAfter = epoch.find((u) => u >= CHANGE_UTC)!;
  assert.equal(o.periods[1].fromUtc, CHANGE_UTC);
  assert.equal(o.agreeing, 16);
  assert.equal(o.total, 16);
  assert.equal(offsetAtUtc(o, CHANGE_UTC - 1000), HOUR);
  assert.equal(offsetAtUtc(o, firstAfter), 2 * HOUR);
  // Local 01:30 is before the change, 03:30 after it.
  const local0130 = Date.UTC(2021, 2, 28, 1, 30) / 1000, local0330 = Date.UTC(2021, 2, 28, 3, 30) / 1000;
  assert.equal(offsetAtLocal(o, local0130), HOUR);
  assert.equal(offsetAtLocal(o, local0330), 2 * HOUR);
});

test('replies from several files, out of time order, give the same periods', () => {
  const { local, epoch } = replies(CHANGE_UTC - 4 * HOUR + 300, 16, 1800);
  const order = [5, 12, 0, 15, 3, 9, 1, 14, 7, 2, 11, 6, 13, 4, 10, 8];
  const o = deriveUtcOffset(order.map((i) => local[i]), order.map((i) => epoch[i]), 16)!;
  assert.deepEqual(o.periods.map((p) => p.seconds), [HOUR, 2 * HOUR]);
  assert.equal(o.periods[1].fromUtc, CHANGE_UTC);
});

test('the autumn change back: the repeated local hour takes the later offset', () => {
  const back = Date.UTC(2021, 9, 31, 1, 0, 0) / 1000; // 03:00 CEST -> 02:00 CET
  const { local, epoch } = replies(back - 5 * HOUR, 20, 1800, (u) => (u < back ? 2 * HOUR : HOUR));
  const o = deriveUtcOffset(local, epoch, local.length)!;
  assert.deepEqual(o.periods.map((p) => p.seconds), [2 * HOUR, HOUR]);
  assert.equal(o.periods[1].fromUtc, back, 'at 03:00 local of the old offset');
  assert.equal(offsetAtLocal(o, Date.UTC(2021, 9, 31, 2, 30) / 1000), HOUR);
  assert.equal(offsetAtLocal(o, Date.UTC(2021, 9, 31, 1, 30) / 1000), 2 * HOUR);
  assert.equal(offsetAtLocal(o, Date.UTC(2021, 9, 31, 4, 0) / 1000), HOUR);
});

test('a change in a long quiet gap is placed at the night hour (01:00 UTC in Europe, 02:00 local elsewhere), else at the last full hour', () => {
  // US Eastern: 02:00 EST (07:00 UTC) becomes 03:00 EDT; no mail from 20:00 to 09:00 local.
  const change = Date.UTC(2021, 2, 14, 7) / 1000;
  const { local, epoch } = replies(change - 11 * HOUR - 5, 8, 400, (u) => (u < change ? -5 * HOUR : -4 * HOUR));
  const later = replies(change + 6 * HOUR + 7, 8, 400, () => -4 * HOUR);
  const o = deriveUtcOffset([...local, ...later.local], [...epoch, ...later.epoch], 16)!;
  assert.deepEqual(o.periods.map((p) => p.seconds), [-5 * HOUR, -4 * HOUR]);
  assert.equal(o.periods[1].fromUtc, change);
  // London: 01:00 GMT becomes 02:00 BST, the same instant as all of Europe; quiet from 18:00 to 08:00.
  const uk = Date.UTC(2021, 2, 28, 1) / 1000;
  const gmt = replies(uk - 7 * HOUR + 5, 8, 400, () => 0);
  const bst = replies(uk + 6 * HOUR + 9, 8, 400, () => HOUR);
  const l = deriveUtcOffset([...gmt.local, ...bst.local], [...gmt.epoch, ...bst.epoch], 16)!;
  assert.equal(l.periods[1].fromUtc, uk);
  // No night hour in the gap: the last full hour before the first reply with the new offset.
  const base = Date.UTC(2021, 5, 1, 13) / 1000; // 10:00 at UTC-03:00
  const day = replies(base + 10, 8, 300, () => -3 * HOUR);
  const evening = replies(base + 10 * HOUR + 20, 8, 300, () => -2 * HOUR);
  const p = deriveUtcOffset([...day.local, ...evening.local], [...day.epoch, ...evening.epoch], 16)!;
  assert.equal(p.periods[1].fromUtc, base + 10 * HOUR);
});

test('a couple of odd replies are no change of offset, and do not agree', () => {
  const { local, epoch } = replies(CHANGE_UTC - 20 * HOUR, 30, 600, () => HOUR);
  local[10] += 5 * HOUR;
  local[11] += 5 * HOUR;
  const o = deriveUtcOffset(local, epoch, local.length)!;
  assert.deepEqual(o.periods, [{ fromUtc: -Infinity, seconds: HOUR }]);
  assert.equal(o.agreeing, 28);
});

test('offsets that alternate without pattern give one offset, the most common', () => {
  const local: number[] = [], epoch: number[] = [];
  for (let i = 0; i < 60; i++) {
    epoch.push(1e9 + i * 60);
    local.push(1e9 + i * 60 + (Math.floor(i / 3) % 2 === 0 ? HOUR : 2 * HOUR));
  }
  const o = deriveUtcOffset(local, epoch, local.length)!;
  assert.equal(o.periods.length, 1);
  assert.equal(o.seconds, HOUR);
});
