import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Segmenter, type SampleRange } from '../../../../daemon/vad/segmenter';
import { SampleBuffer } from '../../../../daemon/vad/sampleBuffer';

const W = 512;
const SR = 16_000;
/** Windows for `sec` seconds. */
const win = (sec: number) => Math.round((sec * SR) / W);

function run(probs: number[], options = {}): SampleRange[] {
  const s = new Segmenter(options);
  const out: SampleRange[] = [];
  for (const p of probs) out.push(...s.push(p));
  out.push(...s.finish(probs.length * W));
  return out;
}

const seq = (...parts: [number, number][]) => parts.flatMap(([sec, p]) => Array<number>(win(sec)).fill(p));

test('silence gives no segments; speech between silences gives one, padded', () => {
  assert.deepEqual(run(seq([5, 0.01])), []);
  const segs = run(seq([1, 0.02], [2, 0.9], [1, 0.02]));
  assert.equal(segs.length, 1);
  const speechStart = win(1) * W;
  const speechEnd = (win(1) + win(2)) * W;
  assert.equal(segs[0].start, speechStart - 1600, 'padded by 100 ms before');
  assert.equal(segs[0].end, speechEnd + 1600, 'padded by 100 ms after');
});

test('a pause shorter than min silence does not split; a longer one does', () => {
  assert.equal(run(seq([1, 0.9], [0.2, 0.1], [1, 0.9], [1, 0.0])).length, 1);
  assert.equal(run(seq([1, 0.9], [0.5, 0.1], [1, 0.9], [1, 0.0])).length, 2);
});

test('hysteresis: dipping between the two thresholds keeps the segment open', () => {
  assert.equal(run(seq([1, 0.9], [2, 0.4], [1, 0.9], [1, 0.0])).length, 1);
});

test('bursts shorter than min speech are dropped', () => {
  assert.deepEqual(run(seq([1, 0.0], [0.1, 0.9], [1, 0.0])), []);
});

test('speech longer than the cap is cut at the quietest window near the cap, and nothing is lost', () => {
  const probs = seq([0.5, 0.0], [70, 0.95], [1, 0.0]);
  const quiet = win(0.5) + win(27); // a dip at 27.5 s, inside the last 5 s before the first cap
  probs[quiet] = 0.4;
  const segs = run(probs, { maxSegmentSec: 30 });
  assert.ok(segs.length >= 3, JSON.stringify(segs));
  for (const s of segs) assert.ok(s.end - s.start <= 30 * SR, `segment of ${(s.end - s.start) / SR} s`);
  assert.equal(segs[0].end, quiet * W + W / 2, 'first cut in the middle of the quietest window');
  for (let i = 1; i < segs.length; i++) assert.equal(segs[i].start, segs[i - 1].end, 'cut segments are contiguous');
});

test('a smaller cap is honoured too', () => {
  const segs = run(seq([65, 0.9]), { maxSegmentSec: 10 });
  assert.ok(segs.length >= 7);
  for (const s of segs) assert.ok(s.end - s.start <= 10 * SR);
  assert.equal(segs.at(-1)!.end, win(65) * W);
});

test('retainFrom bounds what must be kept', () => {
  const s = new Segmenter();
  for (let i = 0; i < win(60); i++) s.push(0);
  assert.ok(win(60) * W - s.retainFrom() <= 1600 + 2 * W, 'in silence only a window and the padding are kept');
  for (let i = 0; i < win(10); i++) s.push(0.9);
  assert.ok(win(70) * W - s.retainFrom() <= 10 * SR + 1600 + W, 'in speech, the open segment');
});

test('SampleBuffer slices across chunks and forgets what it is told to', () => {
  const b = new SampleBuffer();
  for (let i = 0; i < 10; i++) b.append(Float32Array.from({ length: 100 }, (_, j) => i * 100 + j));
  assert.deepEqual([...b.slice(95, 105)], [95, 96, 97, 98, 99, 100, 101, 102, 103, 104]);
  b.discardBefore(350);
  assert.equal(b.held, 700);
  assert.throws(() => b.slice(250, 260), RangeError);
  assert.equal(b.slice(300, 301)[0], 300);
  assert.equal(b.length, 1000);
});
