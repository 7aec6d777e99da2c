// "Set Number of Speakers" from the view, with a fake pick, a fake progress and a fake daemon: the
// count goes to `transcript/rediarize` with the options the shown transcript was made with, the
// result replaces the view's speakers and segments in place, and the session remembers the count,
// so a later rename is saved to the new transcript's cache entry. Backing out, a cancel, a daemon
// error, a transcript without speakers and one read from a JSON file change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, SenseVoiceError, type Transcript } from '../../../../common/protocol';
import type { HostMessage } from '../../../../common/pages/transcriptMessages';
import { TranscriptSession } from '../../../../extension/transcript/transcriptSession';
import { renameSpeakerFlow, type SpeakerEditSaving } from '../../../../extension/transcript/speakerEditing';
import {
  setSpeakerCountFlow,
  speakerCountChoices,
  type SpeakerCountUi,
} from '../../../../extension/transcript/speakerCountFlow';

const seg = (start: number, text: string, speaker: string) => ({
  start,
  end: start + 4,
  language: 'en',
  emotion: 'NEUTRAL',
  event: 'Speech',
  text,
  tokens: [],
  speaker,
});

function transcript(speakers: string[]): Transcript {
  return {
    file: '/rec/call.wav',
    durationSec: 12,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1, featuresMs: 1, inferenceMs: 1, totalMs: 3 },
    speakers: speakers.map((name, i) => ({ id: `S${i + 1}`, name, talkSec: 4 })),
    segments: [0, 4, 8].map((t, i) => seg(t, `w${i}`, `S${(i % speakers.length) + 1}`)),
    turns: [0, 4, 8].map((t, i) => ({ start: t, end: t + 4, speaker: `S${(i % speakers.length) + 1}` })),
  };
}

function fakes(answer: number | 'auto' | undefined, reply: Transcript | Error) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const warnings: string[] = [];
  const picked: { found: number; current: number | 'auto' }[] = [];
  const progress: number[] = [];
  const ui: SpeakerCountUi = {
    pickCount: async (found, current) => {
      picked.push({ found, current });
      return answer;
    },
    withProgress: async (_title, work) => work(new AbortController().signal, (f) => progress.push(f)),
    warn: (m) => warnings.push(m),
  };
  const saving: SpeakerEditSaving = {
    sup: {
      request: (async (
        method: string,
        params: Record<string, unknown>,
        options?: { onProgress?: (p: unknown) => void },
      ) => {
        requests.push({ method, params });
        if (method === 'transcript/editSpeakers') return { speakers: [] };
        options?.onProgress?.({ token: 't', fraction: 0.5 });
        if (reply instanceof Error) throw reply;
        return reply;
      }) as never,
    },
    params: () => ({ language: 'en', diarization: { numSpeakers: 2 } }),
    writeFile: async () => undefined,
  };
  return { ui, saving, requests, warnings, picked, progress };
}

function session(t = transcript(['Alice', 'Speaker 2'])) {
  const s = new TranscriptSession({ fileName: 'call.wav', filePath: '/rec/call.wav', emoji: true });
  const sent: HostMessage[] = [];
  s.setListener((m) => sent.push(m));
  s.begin();
  s.finish(t);
  return { s, sent };
}

test('a new count re-diarizes through the daemon and replaces the speakers in place; later edits go to its entry', async () => {
  const { s, sent } = session();
  const three = transcript(['Alice', 'Speaker 2', 'Speaker 3']);
  const f = fakes(3, three);
  assert.equal(await setSpeakerCountFlow(s, f.ui, f.saving), 'done');
  assert.deepEqual(f.picked, [{ found: 2, current: 2 }]);
  assert.deepEqual(f.requests, [
    {
      method: 'transcript/rediarize',
      params: { language: 'en', diarization: { numSpeakers: 2 }, path: '/rec/call.wav', numSpeakers: 3 },
    },
  ]);
  assert.deepEqual(f.progress, [0.5]);
  const last = sent.at(-1);
  assert.ok(last?.type === 'snapshot');
  assert.deepEqual(
    last.state.speakers.map((x) => x.name),
    ['Alice', 'Speaker 2', 'Speaker 3'],
  );
  assert.equal(last.state.status, 'done');
  assert.equal(last.state.speakerCount, 3, 'the page saves it for a window reload');
  assert.deepEqual(s.transcript?.segments, three.segments);
  assert.equal(s.speakerCount, 3);

  // A rename now finds the 3-speaker transcript's entry; asking again starts from 3.
  f.requests.length = 0;
  await renameSpeakerFlow(s, 'S3', { ...noAsk, askName: async () => 'Carol' }, f.saving);
  assert.deepEqual(f.requests[0].params.diarization, { numSpeakers: 3 });
  await setSpeakerCountFlow(s, fakes(undefined, three).ui, f.saving);
  const again = fakes('auto', transcript(['Alice', 'Bob']));
  assert.equal(await setSpeakerCountFlow(s, again.ui, f.saving), 'done');
  assert.deepEqual(again.picked, [{ found: 3, current: 3 }]);
  assert.equal(s.speakerCount, 'auto');
  f.requests.length = 0;
  await renameSpeakerFlow(s, 'S2', { ...noAsk, askName: async () => 'Robert' }, f.saving);
  assert.deepEqual(f.requests[0].params.diarization, { numSpeakers: 0 }, 'auto is 0 in the options');
  // A new run forgets the count the view set.
  s.begin();
  assert.equal(s.speakerCount, undefined);
});

const noAsk = {
  askName: async () => undefined,
  pickSpeaker: async () => undefined,
  confirmRewrite: async () => false,
  warn: () => undefined,
};

test('backing out, a cancel or a daemon error leave the view as it was', async () => {
  for (const [answer, reply, outcome, warned] of [
    [undefined, transcript(['A', 'B', 'C']), 'cancelled', false],
    [3, new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.'), 'cancelled', false],
    [3, new SenseVoiceError(ErrorCode.NotCached, 'The recognition is not in the cache.'), 'failed', true],
  ] as const) {
    const { s } = session();
    const before = s.transcript;
    const f = fakes(answer, reply);
    assert.equal(await setSpeakerCountFlow(s, f.ui, f.saving), outcome);
    assert.equal(s.transcript, before);
    assert.equal(s.speakerCount, undefined);
    assert.equal(f.warnings.length, warned ? 1 : 0);
    if (warned) assert.match(f.warnings[0], /not in the cache/);
  }
});

test('nothing to re-run: no speakers, a JSON file, an unfinished transcript', async () => {
  const plain = transcript(['A']);
  delete plain.speakers;
  const { s } = session(plain);
  const f = fakes(2, transcript(['A', 'B']));
  assert.equal(await setSpeakerCountFlow(s, f.ui, f.saving), 'cancelled');
  assert.match(f.warnings[0], /no speakers/);

  const fromFile = new TranscriptSession({ fileName: 'call.wav', filePath: '/rec/call.wav', emoji: true });
  fromFile.finish(transcript(['A', 'B']), 'file', '/rec/call.transcript.json');
  assert.equal(await setSpeakerCountFlow(fromFile, f.ui, f.saving), 'cancelled');
  assert.match(f.warnings[1], /JSON file/);

  const running = new TranscriptSession({ fileName: 'call.wav', filePath: '/rec/call.wav', emoji: true });
  running.begin();
  assert.equal(await setSpeakerCountFlow(running, f.ui, f.saving), 'cancelled');
  assert.match(f.warnings[2], /not finished/);
  assert.deepEqual(f.requests, [], 'nothing was sent');
});

test('the pick offers automatic and 1..10, the current one marked', () => {
  const items = speakerCountChoices(2, 'auto');
  assert.deepEqual(
    items.map((i) => i.count),
    ['auto', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(items[0].description, 'current, found 2');
  assert.equal(speakerCountChoices(3, 3)[3].description, 'current');
  assert.equal(speakerCountChoices(3, 3)[0].description, undefined);
});
