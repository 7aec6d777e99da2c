// What "Summarize Meeting" sends to a language model, built here so it can be read and tested
// without an editor: the transcript as speaker-attributed lines ("[12:03] Alice: …"; nothing else of
// the transcript: no file name, no path, no moods or events), the instructions, and the split of a
// meeting too long for the model's input into parts that each fit its token budget.
import { clockTime } from '../formats/time';
import { tidyText } from '../formats/segmentText';
import { hasSpeakers, speakerNames, speakerOf } from '../formats/speakers';
import type { TranscriptData } from '../formats/transcriptData';

/** The transcript's words with who said them and when: what the model is given, nothing else. */
export interface SpokenLines {
  /** One line per turn: "[m:ss] Name: text", or "[m:ss] text" without speakers. */
  lines: string[];
  /** The speakers' names, in the order the transcript lists them (empty without diarization). */
  speakers: string[];
}

/** The transcript as lines for the model: one speaker's consecutive segments joined, empty ones left out. */
export function spokenLines(t: Pick<TranscriptData, 'segments' | 'speakers'>): SpokenLines {
  const diarized = hasSpeakers(t);
  const names = speakerNames(t);
  const lines: string[] = [];
  let open: { speaker: string | undefined; start: number; words: string[] } | null = null;
  const close = () => {
    if (!open) return;
    const who = diarized ? `${open.speaker ?? 'Unknown'}: ` : '';
    lines.push(`[${clockTime(open.start)}] ${who}${open.words.join(' ')}`);
    open = null;
  };
  for (const s of [...t.segments].sort((a, b) => a.start - b.start)) {
    const text = tidyText(s.text);
    if (!text) continue;
    const speaker = diarized ? speakerOf(names, s) : undefined;
    if (open && diarized && speaker !== undefined && open.speaker === speaker) {
      open.words.push(text);
      continue;
    }
    close();
    open = { speaker, start: s.start, words: [text] };
  }
  close();
  return { lines, speakers: diarized ? [...new Set(names.values())] : [] };
}

/** The answer's form, which summaryAnswer.ts reads back. */
const ANSWER_FORM = [
  'Answer in the language the meeting was held in, in exactly this form and nothing else:',
  '## Summary',
  'A few sentences on what was discussed and concluded.',
  '## Decisions',
  '- one decision per line (write "- None." when nothing was decided)',
  '## Action items',
  '- Owner: the task, with its deadline if one was said (one per line; Owner is the name of the speaker',
  '  who took it on, or "Unassigned"; write "- None." when there are none)',
  'Use only what the transcript says: do not invent names, dates, decisions or tasks.',
].join('\n');

function speakersLine(speakers: readonly string[]): string {
  return speakers.length > 0
    ? `The speakers are: ${speakers.join(', ')}. Each line is "[time] Speaker: what they said".`
    : 'The speakers are not known. Each line is "[time] what was said".';
}

/** Where a part sits in a meeting split into parts (absent: the whole meeting in one request). */
export interface PartInfo {
  index: number;
  count: number;
}

/** The request for one part (or all) of the transcript: instructions, then the lines. */
export function transcriptPrompt(lines: readonly string[], speakers: readonly string[], part?: PartInfo): string {
  const what =
    part && part.count > 1
      ? `Below is part ${part.index + 1} of ${part.count} of a meeting transcript. Write notes on this part only.`
      : 'Below is the transcript of a meeting. Write its notes.';
  return [what, speakersLine(speakers), ANSWER_FORM, '', 'Transcript:', ...lines].join('\n');
}

/** The request that merges the notes written on consecutive parts into the notes of the whole meeting. */
export function mergePrompt(partNotes: readonly string[], speakers: readonly string[]): string {
  const parts = partNotes.flatMap((n, i) => [`--- Notes on part ${i + 1} ---`, n.trim()]);
  return [
    'Below are notes written on consecutive parts of one meeting. Merge them into the notes of the whole',
    'meeting: one summary, and every decision and action item once (drop repeats, keep their owners).',
    speakers.length > 0 ? `The speakers are: ${speakers.join(', ')}.` : 'The speakers are not known.',
    ANSWER_FORM,
    '',
    ...parts,
  ].join('\n');
}

/** Characters that take about one token each in common tokenizers (CJK, kana, hangul). */
const DENSE = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/gu;

/**
 * A cautious guess of a text's tokens before the model counts them (about 3 characters a token
 * for alphabetic text, 1 per CJK character); the model's own count calibrates it (summarize.ts).
 */
export function estimateTokens(text: string): number {
  const dense = text.match(DENSE)?.length ?? 0;
  return dense + Math.ceil((text.length - dense) / 3);
}

/**
 * The lines packed, in order, into parts whose costs stay within `budget`. A line that alone costs
 * more is cut at spaces (or anywhere, for text without spaces) into pieces that fit.
 */
export function packLines(lines: readonly string[], budget: number, cost: (text: string) => number): string[][] {
  if (!(budget >= 1)) throw new RangeError(`a part's budget must be at least 1 token (got ${budget})`);
  const parts: string[][] = [];
  let current: string[] = [];
  let used = 0;
  const push = (line: string, c: number) => {
    // +1: the newline between lines
    if (current.length > 0 && used + c + 1 > budget) {
      parts.push(current);
      current = [];
      used = 0;
    }
    current.push(line);
    used += c + (current.length > 1 ? 1 : 0);
  };
  for (const line of lines) {
    const c = cost(line);
    if (c <= budget) push(line, c);
    else for (const piece of cutLine(line, budget, cost)) push(piece, cost(piece));
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/** One over-long line as pieces that each cost at most `budget` (halving the character count until they do). */
function cutLine(line: string, budget: number, cost: (text: string) => number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > 0) {
    let n = rest.length;
    while (n > 1 && cost(rest.slice(0, n)) > budget) n = Math.floor(n / 2);
    // Cut at the last space within the piece, when there is one past its first quarter.
    const space = n < rest.length ? rest.lastIndexOf(' ', n) : -1;
    const end = space > n / 4 ? space : n;
    pieces.push(rest.slice(0, end).trim());
    rest = rest.slice(end).trimStart();
  }
  return pieces.filter((p) => p.length > 0);
}
