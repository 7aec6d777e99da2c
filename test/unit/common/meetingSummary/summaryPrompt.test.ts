// What goes to the model: the transcript's words with speaker names and times and nothing else of
// it (no path, file name, moods or events); one speaker's consecutive segments on one line; a meeting
// too long for one request packed into parts that each stay within the budget, in order, losing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TranscriptData } from '../../../../common/formats';
import {
  estimateTokens,
  mergePrompt,
  packLines,
  spokenLines,
  transcriptPrompt,
} from '../../../../common/meetingSummary/summaryPrompt';
import { meeting } from '../formats/fixture';

function diarized(): TranscriptData {
  const seg = (start: number, end: number, text: string, speaker?: string) => ({
    start,
    end,
    language: 'en',
    emotion: 'HAPPY',
    event: 'Laughter',
    text,
    tokens: [],
    ...(speaker ? { speaker } : {}),
  });
  return {
    file: '/home/ana/secret project/standup.wav',
    durationSec: 800,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    speakers: [
      { id: 'S1', name: 'Alice', talkSec: 10 },
      { id: 'S2', name: 'Bob', talkSec: 5 },
    ],
    segments: [
      seg(723, 724.5, 'I will send the draft.', 'S2'),
      seg(3, 5, 'Good  morning.', 'S1'),
      seg(5.5, 8, 'Let us\nstart.', 'S1'),
      seg(9, 10, '   ', 'S2'),
      seg(11, 12, 'Hello?'),
      seg(724.5, 725, 'Fine.', 'S1'),
    ],
  };
}

test('speaker-attributed lines: turns joined, in time order, empty segments left out, renamed names', () => {
  const s = spokenLines(diarized());
  assert.deepEqual(s.lines, [
    '[0:03] Alice: Good morning. Let us start.',
    '[0:11] Unknown: Hello?',
    '[12:03] Bob: I will send the draft.',
    '[12:04] Alice: Fine.',
  ]);
  assert.deepEqual(s.speakers, ['Alice', 'Bob']);
  const renamed = spokenLines({ ...diarized(), speakers: [{ id: 'S1', name: 'Carol', talkSec: 1 }] });
  assert.match(renamed.lines[0], /^\[0:03\] Carol: /);
  assert.match(renamed.lines[2], /^\[12:03\] S2: /, 'a speaker without an entry shows as its id');
});

test('without speakers: one line per segment, no names', () => {
  const s = spokenLines(meeting());
  assert.deepEqual(s.speakers, []);
  assert.deepEqual(s.lines, [
    '[0:00] Welcome everyone, let us start.',
    '[0:04] Great --> news',
    '[1:01] <img src=x onerror=alert(1)> & *bold*',
  ]);
});

test('the request holds the transcript lines and nothing else of the transcript', () => {
  const t = diarized();
  const s = spokenLines(t);
  const prompt = transcriptPrompt(s.lines, s.speakers);
  for (const line of s.lines) assert.ok(prompt.includes(`\n${line}`), line);
  assert.match(prompt, /The speakers are: Alice, Bob\./);
  assert.match(prompt, /## Summary[\s\S]*## Decisions[\s\S]*## Action items/);
  for (const leak of ['secret project', 'standup', '.wav', 'HAPPY', 'Laughter', 'sherpa', 'int8'])
    assert.ok(!prompt.includes(leak), `${leak} is not sent`);
  assert.match(transcriptPrompt(s.lines, s.speakers, { index: 1, count: 3 }), /part 2 of 3/);
  const merge = mergePrompt(['## Summary\nA', '## Summary\nB'], s.speakers);
  assert.match(merge, /--- Notes on part 1 ---\n## Summary\nA\n--- Notes on part 2 ---\n## Summary\nB/);
});

test('the token estimate: about 3 characters a token, 1 per CJK character', () => {
  assert.equal(estimateTokens(''), 0);
  assert.equal(estimateTokens('abcdef'), 2);
  assert.equal(estimateTokens('我们下周再讨论'), 7);
  assert.equal(estimateTokens('ok 好'), 2);
});

test('packing: parts within budget, in order, nothing lost; an over-long line is cut at spaces', () => {
  const lines = Array.from({ length: 50 }, (_, i) => `[${i}:00] Alice: ${'word '.repeat(i % 7)}end ${i}`);
  const cost = (t: string) => t.length;
  const parts = packLines(lines, 120, cost);
  assert.ok(parts.length > 1);
  for (const p of parts) assert.ok(p.join('\n').length <= 120, `${p.join('\n').length} <= 120`);
  assert.deepEqual(parts.flat(), lines);

  const long = `[0:00] Bob: ${'lorem ipsum '.repeat(40)}`.trim();
  const cut = packLines([long], 50, cost);
  for (const p of cut) for (const piece of p) assert.ok(piece.length <= 50);
  assert.equal(cut.flat().join(' '), long.replace(/\s+/g, ' '));
  const dense = packLines(['好'.repeat(30)], 8, cost);
  assert.equal(dense.flat().join(''), '好'.repeat(30));
  assert.deepEqual(packLines([], 10, cost), []);
  assert.throws(() => packLines(['a'], 0, cost), RangeError);
});
