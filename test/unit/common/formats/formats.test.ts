// Golden strings for every export: a change to any of them is a change users will see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realTimeFactor } from '../../../../common/formats/summary';
import {
  EXPORT_FORMATS,
  escapeMarkdown,
  formatJson,
  formatMarkdown,
  formatSrt,
  formatText,
  formatTranscript,
  formatVtt,
  parseTranscriptJson,
  TranscriptParseError,
} from '../../../../common/formats';
import { meeting } from './fixture';

test('SRT: numbered cues, comma timestamps, emoji first and last, arrows defused, blank cues dropped', () => {
  assert.equal(
    formatSrt(meeting()),
    [
      '1\n00:00:00,000 --> 00:00:04,200\n🎼 Welcome everyone, let us start.\n',
      '2\n00:00:04,200 --> 00:00:05,000\n🎼 Great -> news 😊\n',
      '3\n00:01:02,000 --> 00:01:03,500\n😀 <img src=x onerror=alert(1)> & *bold* 😊\n',
      '4\n01:00:00,000 --> 01:02:05,500\n👏\n',
    ].join('\n'),
  );
});

test('SRT without emoji: events as SDH words, no mood', () => {
  const srt = formatSrt(meeting(), { emoji: false });
  assert.match(srt, /^1\n00:00:00,000 --> 00:00:04,200\n\[Music\] Welcome everyone, let us start\.\n/);
  assert.match(srt, /\n4\n01:00:00,000 --> 01:02:05,500\n\[Applause\]\n$/);
  assert.doesNotMatch(srt, /😊|🎼/u);
});

test('VTT: header, full-stop timestamps, markup escaped', () => {
  assert.equal(
    formatVtt(meeting()),
    [
      'WEBVTT\n',
      '00:00:00.000 --> 00:00:04.200\n🎼 Welcome everyone, let us start.\n',
      '00:00:04.200 --> 00:00:05.000\n🎼 Great --&gt; news 😊\n',
      '00:01:02.000 --> 00:01:03.500\n😀 &lt;img src=x onerror=alert(1)&gt; &amp; *bold* 😊\n',
      '01:00:00.000 --> 01:02:05.500\n👏\n',
    ].join('\n'),
  );
});

test('plain text: one line per segment, optional timestamps', () => {
  assert.equal(
    formatText(meeting()),
    '[0:00] 🎼 Welcome everyone, let us start.\n[0:04] 🎼 Great --> news 😊\n[1:01] 😀 <img src=x onerror=alert(1)> & *bold* 😊\n[1:00:00] 👏\n',
  );
  assert.equal(
    formatText(meeting(), { emoji: false, timestamps: false }).split('\n')[0],
    '[Music] Welcome everyone, let us start.',
  );
  assert.equal(formatText({ segments: [] }), '');
});

test('Markdown meeting notes: facts, event and mood summary, escaped transcript', () => {
  assert.equal(
    formatMarkdown(meeting(), { date: '2026-01-05 09:03' }),
    [
      '# Meeting notes: standup 2026',
      '',
      '- **Date:** 2026-01-05 09:03',
      '- **Audio:** standup 2026.wav',
      '- **Duration:** 1:02:05 (1 h 02 min)',
      '- **Languages:** English (en) 77%, Chinese (zh) 23%',
      '- **Transcribed with:** SenseVoiceSmall (sherpa, int8) on cpu, real-time factor 0.010',
      '',
      '## Summary',
      '',
      '- 🎼 **Music:** 0:00–0:05',
      '- 😀 **Laughter:** 1:01–1:03',
      '- 👏 **Applause:** 1:00:00–1:02:05',
      '- **Moods:** Neutral 65% · 😊 Happy 35%',
      '  - 😊 Happy: 0:04–0:05, 1:01–1:03',
      '',
      '## Transcript',
      '',
      '**[0:00]** 🎼 Welcome everyone, let us start.',
      '',
      '**[0:04]** 🎼 Great --\\> news 😊',
      '',
      '**[1:01]** 😀 \\<img src=x onerror=alert(1)\\> \\& \\*bold\\* 😊',
      '',
      '**[1:00:00]** 👏 _(no speech)_',
      '',
    ].join('\n'),
  );
});

test('Markdown without emoji: events and moods in words', () => {
  const md = formatMarkdown(meeting(), { emoji: false, title: 'Stand-up', headingLevel: 2 });
  assert.match(md, /^## Stand-up\n/);
  assert.match(md, /\n### Summary\n/);
  assert.match(md, /\n- \*\*Music:\*\* 0:00–0:05\n/);
  assert.match(md, /\n\*\*\[0:04\]\*\* \\\[Music\\\] Great --\\> news _\(happy\)_\n/);
  assert.doesNotMatch(md, /[😊🎼😀👏]/u);
});

test('Markdown of a transcript with no events says so', () => {
  const t = meeting();
  t.segments = [{ start: 0, end: 2, language: 'en', emotion: 'NEUTRAL', event: 'Speech', text: 'hi', tokens: [] }];
  const md = formatMarkdown(t);
  assert.match(md, /- No music, laughter, applause or other sounds besides speech\./);
  assert.match(md, /- \*\*Languages:\*\* English \(en\)\n/);
  assert.match(md, /\*\*\[0:00\]\*\* hi\n/);
});

test('escapeMarkdown leaves plain words alone and defuses syntax', () => {
  assert.equal(escapeMarkdown('Hello, world.'), 'Hello, world.');
  assert.equal(escapeMarkdown('[x](y) `c` #1 a|b ~s~ !'), '\\[x\\](y) \\`c\\` \\#1 a\\|b \\~s\\~ \\!');
});

test('JSON round-trips through parseTranscriptJson', () => {
  const t = meeting();
  const back = parseTranscriptJson(formatJson(t));
  assert.deepEqual(back, t);
  const oneLine = formatJson(t, { pretty: false, tokens: false });
  assert.equal(oneLine.includes('\n'), false);
  assert.deepEqual(parseTranscriptJson(oneLine + '\n' + oneLine).segments[0].tokens, []);
});

test('parseTranscriptJson says what is wrong', () => {
  assert.throws(() => parseTranscriptJson('nope'), TranscriptParseError);
  assert.throws(() => parseTranscriptJson('{"file":"a.wav"}'), /segments is missing/);
  assert.throws(
    () => parseTranscriptJson('{"segments":[{"start":"0","end":1,"text":""}]}'),
    /segments\[0\]\.start is not a number/,
  );
  assert.throws(() => parseTranscriptJson('{"file":"a.wav","error":{"code":"DecodeFailed"}}'), /failed transcription/);
  const minimal = parseTranscriptJson('{"segments":[{"start":0,"end":2.5,"text":"hi"}]}');
  assert.equal(minimal.durationSec, 2.5);
  assert.equal(minimal.timings, undefined);
});

test('formatTranscript dispatches every listed format', () => {
  for (const f of EXPORT_FORMATS) {
    const out = formatTranscript(meeting(), f.format, { emoji: false });
    assert.ok(out.length > 0, f.format);
    assert.doesNotMatch(out, /🎼/u, `${f.format} honours emoji: false`);
  }
  assert.equal(formatTranscript(meeting(), 'srt'), formatSrt(meeting()));
  assert.throws(() => formatTranscript(meeting(), 'docx' as never), /unknown export format/);
});

test('a real-time factor too small to print reads in words, not as escaped markup', () => {
  const t = meeting();
  t.timings.totalMs = 1;
  assert.match(formatMarkdown(t), /on cpu, real-time factor under 0\.001\n/);
  const { timings: _drop, ...loaded } = meeting();
  assert.match(formatMarkdown(loaded), /on cpu\n/, 'no timings, no factor');
});

test('a cached transcript has no real-time factor: its time measured a cache lookup', () => {
  const base = { durationSec: 10, timings: { totalMs: 2 } };
  assert.equal(realTimeFactor(base), 0.0002);
  assert.equal(realTimeFactor({ ...base, cached: true }), null);
});
