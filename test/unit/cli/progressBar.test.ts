// The cli's download progress: one redrawn line on a terminal, plain periodic lines otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar } from '../../../cli/progressBar';

function stream(isTTY: boolean, columns = 140) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns, write: (s: string) => (writes.push(s), true) } };
}

const MB = 1024 * 1024;

test('on a terminal: one line redrawn with \\r, percent, bar, amounts, rate and ETA; cleared at the end', () => {
  const { writes, out } = stream(true);
  let now = 0;
  const bar = new ProgressBar(out, () => now);
  for (let i = 0; i <= 10; i++) {
    now = i * 1000;
    bar.update({
      bytes: i * 10 * MB,
      total: 100 * MB,
      message: 'Downloading model.int8.onnx (1 of 2) from huggingface.co',
    });
  }
  bar.done();
  assert.ok(writes.slice(0, -1).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K') && !w.includes('\n')));
  const mid = writes[5]!;
  assert.match(
    mid,
    /^\rDownloading model\.int8\.onnx \(1 of 2\) from huggingface\.co \[.*\]\s+50% {2}50\.0 MiB \/ 100\.0 MiB {2}10\.0 MiB\/s ETA 0:05/,
  );
  assert.match(mid, /\[=+>\s+\]/);
  assert.ok(mid.length <= 140 + 4, 'fits the terminal');
  assert.match(writes.at(-2)!, /100%/);
  assert.equal(writes.at(-1), '\r\x1b[K');
});

test('on a narrow terminal the label is shortened with … and the line still fits', () => {
  const { writes, out } = stream(true, 80);
  const bar = new ProgressBar(out, () => 0);
  bar.update({ bytes: 5 * MB, total: 100 * MB, message: 'Downloading model.int8.onnx (1 of 2) from huggingface.co' });
  const line = writes[0]!.slice(1, -3);
  assert.ok(line.length <= 79, `${line.length}: ${line}`);
  assert.match(line, /^Downloading.*… \[.*\]\s+5%/);
});

test('on a terminal, redraws are limited to 10 a second but the final 100 % always shows', () => {
  const { writes, out } = stream(true);
  const bar = new ProgressBar(out, () => 0);
  for (let i = 1; i <= 100; i++) bar.update({ bytes: i, total: 100, message: 'm' });
  assert.equal(writes.length, 2);
  assert.match(writes[1]!, /100%/);
});

test('not a terminal: a line per step change, per 10 %, and every period; no \\r', () => {
  const { writes, out } = stream(false);
  let now = 0;
  const bar = new ProgressBar(out, () => now, 15_000);
  for (let i = 0; i <= 100; i++) bar.update({ bytes: i * MB, total: 100 * MB, message: 'Downloading model.int8.onnx' });
  assert.equal(writes.length, 11, writes.join(''));
  assert.ok(writes.every((w) => w.endsWith('\n') && !w.includes('\r')));
  assert.match(writes[5]!, /^Downloading model\.int8\.onnx: 50% \(50\.0 MiB \/ 100\.0 MiB\)\n$/);
  bar.update({ bytes: 0, total: 1, message: 'Downloading tokens.txt' });
  assert.match(writes.at(-1)!, /^Downloading tokens\.txt: 0%/);
  now = 20_000;
  bar.update({ bytes: 0, total: 1, message: 'Downloading tokens.txt' });
  assert.equal(writes.length, 13, 'a stalled download still prints every period');
});
