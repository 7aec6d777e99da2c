// A chat model for the summary tests: counts tokens one per 4 characters (rounded up), accepts
// `maxInputTokens`, records every request, refuses any over its limit (as a real model would), and
// answers each with notes that quote the first transcript line or part it was given, so a test can
// see what reached it and in which request.
import type { SummaryModel } from '../../../../common/meetingSummary/summarize';

export interface FakeChatModel extends SummaryModel {
  prompts: string[];
  counted: number;
}

export function fakeChatModel(maxInputTokens: number, answer?: (prompt: string, n: number) => string): FakeChatModel {
  const count = (text: string) => Math.ceil(text.length / 4);
  const model: FakeChatModel = {
    maxInputTokens,
    prompts: [],
    counted: 0,
    countTokens: (text) => {
      model.counted++;
      return Promise.resolve(count(text));
    },
    ask: (prompt, onText) => {
      if (count(prompt) > maxInputTokens)
        return Promise.reject(new Error(`request of ${count(prompt)} tokens over the limit ${maxInputTokens}`));
      model.prompts.push(prompt);
      const text = answer ? answer(prompt, model.prompts.length) : defaultAnswer(prompt, model.prompts.length);
      // streamed in pieces, as a real model sends it
      for (let i = 0; i < text.length; i += 7) onText(text.slice(i, i + 7));
      return Promise.resolve(text);
    },
  };
  return model;
}

function defaultAnswer(prompt: string, n: number): string {
  const first = prompt.split('\n').find((l) => /^\[\d+:\d\d\] /.test(l) || l.startsWith('--- Notes on part')) ?? '';
  return `## Summary\nRequest ${n} began with: ${first}\n## Decisions\n- None.\n## Action items\n- None.\n`;
}
