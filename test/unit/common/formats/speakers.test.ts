// Diarized transcripts in every format: one names map (speakers[].name) shows everywhere; notes join
// one speaker's consecutive segments under "**Alice** [m:ss]:", with a participants line; SRT and
// text prefix the name, VTT uses voice tags; JSON keeps ids, names and turns and reads them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transcript } from '../../../../common/protocol';
import {
  formatJson,
  formatMarkdown,
  formatSrt,
  formatText,
  formatVtt,
  parseTranscriptJson,
  renameSpeakers,
  TranscriptParseError,
} from '../../../../common/formats';
import { meeting } from './fixture';

function diarized(): Transcript {
  const seg = (start: number, end: number, text: string, speaker: string, overlap?: string[]) => ({
    start,
    end,
    language: 'en',
    emotion: 'NEUTRAL',
    event: 'Speech',
    text,
    tokens: [{ id: 5, text: ' x', start }],
    speaker,
    ...(overlap ? { overlap } : {}),
  });
  return {
    file: '/rec/standup.wav',
    durationSec: 725,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    speakers: [
      { id: 'S1', name: 'Alice', talkSec: 125.4 },
      { id: 'S2', name: 'Bob <b>', talkSec: 30 },
    ],
    segments: [
      seg(3, 5, 'Good morning.', 'S1'),
      seg(5.5, 8, 'Let us start.', 'S1'),
      seg(723, 724.5, 'Me *first*.', 'S2', ['S1']),
      seg(724.5, 725, 'Fine.', 'S1'),
    ],
    turns: [
      { start: 2.9, end: 8.1, speaker: 'S1' },
      { start: 722.9, end: 724.6, speaker: 'S2' },
      { start: 724, end: 725, speaker: 'S1' },
    ],
  };
}

test('Markdown: participants with talk time; one paragraph per speaker turn, names escaped', () => {
  const md = formatMarkdown(diarized(), { emoji: false });
  assert.match(md, /^- \*\*Participants:\*\* Alice \(2 min 05 s\), Bob \\<b\\> \(30 s\)$/m);
  const transcript = md.slice(md.indexOf('## Transcript'));
  assert.equal(
    transcript,
    [
      '## Transcript',
      '',
      '**Alice** [0:03]: Good morning. Let us start.',
      '',
      '**Bob \\<b\\>** [12:03]: Me \\*first\\*. _(over Alice)_',
      '',
      '**Alice** [12:04]: Fine.',
      '',
    ].join('\n'),
  );
});

test('Markdown without speakers is unchanged; a reason for none is one fact line', () => {
  const plain = meeting();
  const before = formatMarkdown(plain);
  assert.doesNotMatch(before, /Participants|Speakers/);
  assert.match(before, /^\*\*\[0:00\]\*\* 🎼 Welcome everyone, let us start\.$/m);
  const why = formatMarkdown({ ...plain, speakersUnavailable: 'transcript without speakers: no models' });
  assert.equal(
    why,
    before.replace(
      /(- \*\*Transcribed with:\*\*[^\n]*\n)/,
      '$1- **Speakers:** transcript without speakers: no models\n',
    ),
  );
});

test('SRT and text prefix the name; VTT uses escaped voice tags', () => {
  const t = diarized();
  assert.equal(
    formatSrt(t, { emoji: false }).split('\n\n')[2],
    '3\n00:12:03,000 --> 00:12:04,500\nBob <b>: Me *first*.',
  );
  const vtt = formatVtt(t, { emoji: false });
  assert.match(vtt, /^00:00:03\.000 --> 00:00:05\.000\n<v Alice>Good morning\.$/m);
  assert.match(vtt, /^<v Bob &lt;b&gt;>Me \*first\*\.$/m);
  assert.equal(formatText(t, { emoji: false }).split('\n')[0], '[0:03] Alice: Good morning.');
  // Without speakers, no prefix at all.
  assert.doesNotMatch(formatVtt(meeting()), /<v /);
});

test('one names map: renaming a speaker renames it in every format', () => {
  const t = diarized();
  const renamed = { ...t, speakers: renameSpeakers(t.speakers ?? [], ['Carol', '']) };
  assert.deepEqual(
    renamed.speakers.map((s) => s.name),
    ['Carol', 'Bob <b>'],
  );
  for (const text of [
    formatMarkdown(renamed),
    formatSrt(renamed),
    formatVtt(renamed),
    formatText(renamed),
    formatJson(renamed),
  ]) {
    assert.match(text, /Carol/);
    assert.doesNotMatch(text, /Alice/);
  }
});

test('JSON: speakers before segments, speaker ids on segments, turns after; read back as written', () => {
  const t = diarized();
  const json = formatJson(t);
  const doc = JSON.parse(json);
  assert.deepEqual(Object.keys(doc), ['file', 'durationSec', 'model', 'speakers', 'segments', 'turns', 'timings']);
  assert.deepEqual(Object.keys(doc.segments[2]), [
    'start',
    'end',
    'language',
    'emotion',
    'event',
    'text',
    'speaker',
    'overlap',
    'tokens',
  ]);
  const back = parseTranscriptJson(json);
  assert.deepEqual(back, t);
  // A saved rename survives the round trip.
  const renamed = { ...t, speakers: renameSpeakers(t.speakers ?? [], ['Ana']) };
  assert.equal(parseTranscriptJson(formatJson(renamed)).speakers?.[0].name, 'Ana');
  // The reason for no speakers too.
  const none = { ...meeting(), speakersUnavailable: 'transcript without speakers: x' };
  assert.equal(parseTranscriptJson(formatJson(none)).speakersUnavailable, 'transcript without speakers: x');
  // Without diarization the documented keys are unchanged.
  assert.deepEqual(Object.keys(JSON.parse(formatJson(meeting()))), [
    'file',
    'durationSec',
    'model',
    'segments',
    'timings',
  ]);
});

test('JSON reader: bad speakers and turns fail with where', () => {
  const doc = JSON.parse(formatJson(diarized()));
  const bad = (edit: (d: Record<string, unknown>) => void, where: RegExp) => {
    const d = structuredClone(doc);
    edit(d);
    assert.throws(
      () => parseTranscriptJson(JSON.stringify(d)),
      (e: unknown) => e instanceof TranscriptParseError && where.test(e.message),
    );
  };
  bad((d) => (d.speakers = 'x'), /speakers/);
  bad((d) => ((d.speakers as unknown[])[1] = { id: 'S1', name: 'x', talkSec: 1 }), /same id twice/);
  bad((d) => ((d.speakers as { name: unknown }[])[0].name = 3), /speakers\[0\]\.name/);
  bad((d) => ((d.turns as { speaker: unknown }[])[0].speaker = 1), /turns\[0\]\.speaker/);
  bad((d) => ((d.segments as { speaker: unknown }[])[0].speaker = 1), /segments\[0\]\.speaker/);
  bad((d) => ((d.segments as { overlap: unknown }[])[2].overlap = [1]), /segments\[2\]\.overlap\[0\]/);
});
