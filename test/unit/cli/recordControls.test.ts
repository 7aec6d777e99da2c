// The commands `sensevoice record` reads on stdin: each word maps to one control, case and spaces
// aside; an empty line is nothing; anything else is named back to the user; the end of the input
// is not a stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { listenForControls, parseControl, type RecordControl } from '../../../cli/recordControls';

test('parseControl: p/pause, r/resume, s/stop/q/quit; empty is null; others undefined', () => {
  assert.equal(parseControl('p'), 'pause');
  assert.equal(parseControl('  PAUSE \r'), 'pause');
  assert.equal(parseControl('r'), 'resume');
  assert.equal(parseControl('resume'), 'resume');
  for (const w of ['s', 'stop', 'q', 'quit']) assert.equal(parseControl(w), 'stop');
  assert.equal(parseControl('   '), null);
  assert.equal(parseControl('pause now'), undefined);
  assert.equal(parseControl('x'), undefined);
});

test('listenForControls: lines in order, unknown lines reported, the end of input stops nothing', async () => {
  const input = new PassThrough();
  const got: RecordControl[] = [];
  const unknown: string[] = [];
  const closed = new Promise((resolve) => input.on('end', resolve));
  const l = listenForControls(
    input,
    (c) => got.push(c),
    (line) => unknown.push(line),
  );
  input.end('p\n\nwhat\nr\n');
  await closed;
  await new Promise((resolve) => setImmediate(resolve));
  l.close();
  assert.deepEqual(got, ['pause', 'resume']);
  assert.deepEqual(unknown, ['what']);
});
