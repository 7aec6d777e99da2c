// The requests that turn a transcript into meeting notes, for any chat model behind the small
// interface below (the editor's vscode.lm in the extension, a fake in the tests): the whole meeting
// in one request when it fits the model's input, else one request per part and then requests that
// merge the parts' notes (again in parts, should the notes themselves not fit).
import { estimateTokens, mergePrompt, packLines, transcriptPrompt, type SpokenLines } from './summaryPrompt';

/** What summarizing needs of a chat model. */
export interface SummaryModel {
  /** Tokens the model accepts in one request. */
  maxInputTokens: number;
  /** The model's own count of a text's tokens. */
  countTokens(text: string): Promise<number>;
  /** Sends one request and resolves with the whole answer; `onText` gets it as it streams. */
  ask(prompt: string, onText: (chunk: string) => void): Promise<string>;
}

/** Where summarizing is, for a progress bar. */
export interface SummaryProgress {
  /** Requests done and planned so far (the merge requests are known once the parts are done). */
  done: number;
  planned: number;
  /** Characters of the answer received in the running request. */
  received: number;
}

/** Thrown when the model's input is too small for the instructions and a line of transcript. */
export class ModelTooSmallError extends Error {
  constructor(readonly maxInputTokens: number) {
    super(`the model accepts only ${maxInputTokens} tokens, too few for a meeting summary`);
    this.name = 'ModelTooSmallError';
  }
}

/** Share of maxInputTokens a request may fill: token counts differ a little between counting and sending. */
const FILL = 0.9;
/** Tokens a part's transcript must have room for at least, besides the instructions. */
const MIN_PART_TOKENS = 200;
/** Replanning rounds when a part the estimate packed turns out, counted by the model, too big. */
const REPLANS = 4;
/** Merge rounds before giving up (each round divides the notes by the parts' count). */
const MERGE_ROUNDS = 6;

/** The notes (the model's answer, in the form summaryPrompt.ts asks for) of the whole meeting. */
export async function summarizeMeeting(
  spoken: SpokenLines,
  model: SummaryModel,
  onProgress: (p: SummaryProgress) => void = () => undefined,
): Promise<string> {
  const limit = Math.floor(model.maxInputTokens * FILL);
  const progress: SummaryProgress = { done: 0, planned: 1, received: 0 };
  const ask = async (prompt: string) => {
    progress.received = 0;
    onProgress({ ...progress });
    const answer = await model.ask(prompt, (chunk) => {
      progress.received += chunk.length;
      onProgress({ ...progress });
    });
    progress.done++;
    onProgress({ ...progress, received: 0 });
    return answer;
  };

  const whole = transcriptPrompt(spoken.lines, spoken.speakers);
  const wholeTokens = await model.countTokens(whole);
  if (wholeTokens <= limit) return ask(whole);

  // The estimate calibrated by the model's count of the whole request, so that packing needs no
  // count per line; each part is counted again before it is sent.
  const scale = Math.max(1, wholeTokens / Math.max(1, estimateTokens(whole)));
  const overhead = await model.countTokens(transcriptPrompt([], spoken.speakers, { index: 99, count: 99 }));
  const parts = await fitParts(spoken.lines, limit, overhead, scale, model, (lines, i, n) =>
    transcriptPrompt(lines, spoken.speakers, { index: i, count: n }),
  );
  progress.planned = parts.length + (parts.length > 1 ? 1 : 0);
  let notes: string[] = [];
  for (const prompt of parts) notes.push(await ask(prompt));
  if (notes.length === 1) return notes[0];

  const mergeOverhead = await model.countTokens(mergePrompt([], spoken.speakers));
  for (let round = 0; round < MERGE_ROUNDS; round++) {
    const merges = await fitParts(notes, limit, mergeOverhead, scale, model, (n) => mergePrompt(n, spoken.speakers));
    progress.planned = progress.done + merges.length + (merges.length > 1 ? 1 : 0);
    const merged: string[] = [];
    for (const prompt of merges) merged.push(await ask(prompt));
    if (merged.length === 1) return merged[0];
    notes = merged;
  }
  throw new ModelTooSmallError(model.maxInputTokens);
}

/**
 * The items packed into requests that the model counts within `limit`; a request over it makes
 * the room for items smaller by at least the overshoot and they are packed again.
 */
async function fitParts(
  items: readonly string[],
  limit: number,
  overhead: number,
  scale: number,
  model: SummaryModel,
  prompt: (items: string[], index: number, count: number) => string,
): Promise<string[]> {
  let room = limit - overhead;
  for (let attempt = 0; attempt < REPLANS && room >= MIN_PART_TOKENS; attempt++) {
    const packed = packLines(items, room, (t) => Math.ceil(estimateTokens(t) * scale));
    const prompts = packed.map((lines, i) => prompt(lines, i, packed.length));
    const counts: number[] = [];
    for (const p of prompts) counts.push(await model.countTokens(p));
    const over = Math.max(...counts) - limit;
    if (over <= 0) return prompts;
    room = Math.min(Math.floor(room * 0.9), room - over);
  }
  throw new ModelTooSmallError(model.maxInputTokens);
}
