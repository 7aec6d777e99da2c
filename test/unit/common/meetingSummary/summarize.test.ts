// The requests for a meeting summary: one when the meeting fits the model's input; else parts that
// each fit (as the model counts them), then merges, every line of the transcript reaching the model
// exactly once; a model too small for any part says so; progress counts requests and streamed text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ModelTooSmallError,
  summarizeMeeting,
  type SummaryProgress,
} from '../../../../common/meetingSummary/summarize';
import type { SpokenLines } from '../../../../common/meetingSummary/summaryPrompt';
import { fakeChatModel } from './fakeChatModel';

function meetingOf(n: number): SpokenLines {
  const lines = Array.from(
    { length: n },
    (_, i) =>
      `[${Math.floor(i / 2)}:${String((i % 2) * 30).padStart(2, '0')}] ${i % 3 === 0 ? 'Bob' : 'Alice'}: point number ${i} of the plan`,
  );
  return { lines, speakers: ['Alice', 'Bob'] };
}

test('a short meeting is one request holding every line; its answer comes back whole', async () => {
  const model = fakeChatModel(8000);
  const spoken = meetingOf(20);
  const progress: SummaryProgress[] = [];
  const answer = await summarizeMeeting(spoken, model, (p) => progress.push(p));
  assert.equal(model.prompts.length, 1);
  for (const line of spoken.lines) assert.ok(model.prompts[0].includes(line));
  assert.match(answer, /^## Summary\nRequest 1 began with: \[0:00\] Bob: point number 0/);
  assert.ok(progress.some((p) => p.received > 0 && p.planned === 1));
  assert.deepEqual(progress.at(-1), { done: 1, planned: 1, received: 0 });
});

test('a long meeting: parts within the model limit, every line sent once in order, then one merge', async () => {
  const model = fakeChatModel(1000);
  const spoken = meetingOf(400);
  const progress: SummaryProgress[] = [];
  const answer = await summarizeMeeting(spoken, model, (p) => progress.push(p));
  const parts = model.prompts.filter((p) => p.includes('Transcript:'));
  const merges = model.prompts.filter((p) => p.includes('--- Notes on part'));
  assert.ok(parts.length > 1, `${parts.length} parts`);
  assert.equal(merges.length, 1);
  for (const p of model.prompts) assert.ok(Math.ceil(p.length / 4) <= 1000 * 0.9, 'within 90% of the limit');
  const sent = parts.flatMap((p) => p.split('\n').filter((l) => /^\[\d+:\d\d\] /.test(l)));
  assert.deepEqual(sent, spoken.lines);
  parts.forEach((p, i) => assert.match(p, new RegExp(`part ${i + 1} of ${parts.length}`)));
  // The merge saw every part's notes.
  for (let i = 1; i <= parts.length; i++) assert.match(merges[0], new RegExp(`Request ${i} began with`));
  assert.match(answer, new RegExp(`^## Summary\\nRequest ${parts.length + 1} began with: --- Notes on part 1`));
  assert.deepEqual(progress.at(-1), { done: parts.length + 1, planned: parts.length + 1, received: 0 });
});

test('notes too long to merge at once are merged in rounds', async () => {
  // Verbose notes: each part's answer is large, so the merge itself needs parts.
  const model = fakeChatModel(600, (p, n) =>
    p.includes('--- Notes on part') && (p.match(/--- Notes on part/g) ?? []).length === 1
      ? `## Summary\nfinal ${n}`
      : `## Summary\n${'detail '.repeat(180)}n${n}`,
  );
  const answer = await summarizeMeeting(meetingOf(300), model);
  assert.ok(model.prompts.filter((p) => p.includes('--- Notes on part')).length > 1);
  for (const p of model.prompts) assert.ok(Math.ceil(p.length / 4) <= 600);
  assert.ok(answer.length > 0);
});

test('a model whose input cannot hold the instructions and some transcript says so', async () => {
  await assert.rejects(summarizeMeeting(meetingOf(50), fakeChatModel(300)), (e: unknown) => {
    assert.ok(e instanceof ModelTooSmallError);
    assert.equal(e.maxInputTokens, 300);
    return true;
  });
});

test('a model counting more tokens than the estimate: parts are packed again until they fit', async () => {
  // Counts 1 token per 2 characters of the transcript lines (dense text), so the first packing is too big.
  const base = fakeChatModel(1200);
  const model = {
    ...base,
    countTokens: (t: string) => Promise.resolve(Math.ceil(t.length / 2)),
  };
  const answer = await summarizeMeeting(meetingOf(200), model);
  assert.ok(answer.startsWith('## Summary'));
});
