// Test only (installed in the e2e workbench by test/e2e/run.sh, never shipped): a chat model whose
// answer is built from what it was sent, so the Summarize Meeting test can check that the transcript
// really reached a model through the editor's language model API. It answers in the form the
// extension asks for, naming the first speaker as an owner (or refuses with LanguageModelError.Blocked
// when the transcript says PLEASE-REFUSE), and appends each request it gets to
// requests.jsonl beside this file, so the test can also check that nothing else was sent, and which
// API it registered with (or why it could not) to activation.json.
// VS Code 1.104 and later: lm.registerLanguageModelChatProvider (stable API); VS Code 1.99 has only
// the proposed lm.registerChatModelProvider (run.sh starts code-server with --enable-proposed-api).
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const VENDOR = 'sensevoice-test';
const MODEL = {
  id: 'echo',
  name: 'SenseVoice Echo',
  family: 'echo',
  version: '1',
  maxInputTokens: 8000,
  maxOutputTokens: 2000,
};
const LOG = path.join(__dirname, 'requests.jsonl');
/** Which API registered the model, or why none could: the test reads it to know what it runs against. */
const ACTIVATION = path.join(__dirname, 'activation.json');

/** A request message's text, whichever shape this editor version hands over. */
function messageText(m) {
  if (typeof m === 'string') return m;
  if (typeof m.content === 'string') return m.content;
  return (m.content ?? [])
    .map((p) => (typeof p === 'string' ? p : typeof p?.value === 'string' ? p.value : ''))
    .join('');
}

/** The answer: built from the transcript lines and the speakers line of the prompt. */
function echo(prompt) {
  const lines = prompt.split('\n').filter((l) => /^\[\d+:\d\d(:\d\d)?\] /.test(l));
  const speakers = /^The speakers are: (.*)\.$/m.exec(prompt)?.[1].split(', ') ?? [];
  const owner = speakers[0] ?? 'Unassigned';
  const first = lines[0] ?? '(no lines)';
  const last = lines.at(-1) ?? '(no lines)';
  return [
    '## Summary',
    `Echo of ${lines.length} transcript lines. First: ${first}`,
    '## Decisions',
    `- Last line was: ${last}`,
    '## Action items',
    `- ${owner}: confirm ${lines.length} lines reached the model`,
    '- Unassigned: nothing else',
    '',
  ].join('\n');
}

/** A transcript that says this makes the model refuse, as a provider over its quota does. */
const REFUSE = 'PLEASE-REFUSE';

/** Refuses with the API's Blocked error when the prompt asks for it. */
function refuseIfAsked(prompt) {
  if (prompt.includes(REFUSE)) throw vscode.LanguageModelError.Blocked('the fake model refuses on request');
}

/** Streams `text` in a few pieces, as a real model does. */
async function stream(text, report, token) {
  for (let i = 0; i < text.length; i += 40) {
    if (token.isCancellationRequested) return;
    report(text.slice(i, i + 40));
    await new Promise((r) => setImmediate(r));
  }
}

function record(prompt, extensionId) {
  fs.appendFileSync(LOG, `${JSON.stringify({ prompt, from: extensionId ?? null })}\n`);
}

function activate(context) {
  let api = 'none';
  try {
    api = register(context);
    fs.writeFileSync(ACTIVATION, JSON.stringify({ api, vscode: vscode.version }));
  } catch (err) {
    fs.writeFileSync(ACTIVATION, JSON.stringify({ api, vscode: vscode.version, error: String(err?.message ?? err) }));
  }
}

/** Registers the model with the API this editor has; returns which. */
function register(context) {
  const lm = vscode.lm;
  const count = (text) => Math.ceil((typeof text === 'string' ? text : messageText(text)).length / 4);
  if (typeof lm.registerLanguageModelChatProvider === 'function') {
    context.subscriptions.push(
      lm.registerLanguageModelChatProvider(VENDOR, {
        provideLanguageModelChatInformation: () => [{ ...MODEL, capabilities: {} }],
        provideLanguageModelChatResponse: async (_model, messages, options, progress, token) => {
          const prompt = messages.map(messageText).join('\n');
          record(prompt, options?.requestInitiator);
          refuseIfAsked(prompt);
          await stream(echo(prompt), (t) => progress.report(new vscode.LanguageModelTextPart(t)), token);
        },
        provideTokenCount: async (_model, text) => count(text),
      }),
    );
    return 'stable';
  }
  // VS Code 1.99: the proposed API (chatProvider); without the proposal enabled this throws, and the
  // test, finding no model, says so.
  context.subscriptions.push(
    lm.registerChatModelProvider(
      MODEL.id,
      {
        provideLanguageModelResponse: async (messages, _options, extensionId, progress, token) => {
          const prompt = messages.map(messageText).join('\n');
          record(prompt, extensionId);
          refuseIfAsked(prompt);
          await stream(
            echo(prompt),
            (t) => progress.report({ index: 0, part: new vscode.LanguageModelTextPart(t) }),
            token,
          );
        },
        provideTokenCount: async (text) => count(text),
      },
      { vendor: VENDOR, ...MODEL, isUserSelectable: true },
    ),
  );
  return 'proposed';
}

module.exports = { activate };
