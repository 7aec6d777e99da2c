import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockSpan, clockTime, localDateTime, srtTimestamp, vttTimestamp } from '../../../../common/formats/time';
import { durationText } from '../../../../common/units';

test('SRT timestamps: hours always, comma, milliseconds rounded', () => {
  assert.equal(srtTimestamp(0), '00:00:00,000');
  assert.equal(srtTimestamp(1.9995), '00:00:02,000');
  assert.equal(srtTimestamp(61.25), '00:01:01,250');
  assert.equal(srtTimestamp(3725.5), '01:02:05,500');
  assert.equal(srtTimestamp(-3), '00:00:00,000');
  assert.equal(srtTimestamp(Number.NaN), '00:00:00,000');
});

test('VTT timestamps: hours always, full stop before milliseconds', () => {
  assert.equal(vttTimestamp(0.06), '00:00:00.060');
  assert.equal(vttTimestamp(36_000.001), '10:00:00.001');
});

test('clock times for people', () => {
  assert.equal(clockTime(7.9), '0:07');
  assert.equal(clockTime(725), '12:05');
  assert.equal(clockTime(3723), '1:02:03');
  assert.equal(clockSpan(4.1, 4.9), '0:04');
  assert.equal(clockSpan(0, 12.3), '0:00–0:12');
  assert.equal(durationText(7.2), '7 s');
  assert.equal(durationText(125), '2 min 05 s');
  assert.equal(durationText(3725.5), '1 h 02 min');
});

test('local date and time from the local clock', () => {
  assert.equal(localDateTime(new Date(2026, 0, 5, 9, 3, 59)), '2026-01-05 09:03');
});
