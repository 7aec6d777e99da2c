// The notice a window shows when another client changes the shared engine: who, what, the rule,
// and at most one per kind of change a minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineNotice, engineChangedText } from '../../../extension/engineNotice';

test('a model switch names the client, the folder, the provider and the rule', () => {
  const text = engineChangedText({
    change: 'model',
    by: 'cli',
    model: { path: '/models/sensevoice-small-fp32', provider: 'cuda', threads: 4 },
  });
  assert.match(text, /A sensevoice command loaded the model in sensevoice-small-fp32 on CUDA, 4 threads/);
  assert.match(text, /next transcription loads its own model again \(the last to ask wins\)/);
  assert.match(
    engineChangedText({ change: 'model', by: 'vscode 1.99.0', model: { path: '/m', provider: 'cpu', threads: 0 } }),
    /^SenseVoice: Another VS Code window loaded the model in m on CPU in the shared engine/,
  );
});

test('a batching change gives the values now in force for every window', () => {
  assert.match(
    engineChangedText({ change: 'batching', by: 'vscode 1.99.0', batchSize: 2, concurrency: 3 }),
    /Another VS Code window set the shared engine to batches of 2 and 3 file\(s\) at once; these apply to every window/,
  );
});

test('at most one notice per kind of change in the quiet time', () => {
  let now = 0;
  const shown: string[] = [];
  const n = new EngineNotice(
    (t) => shown.push(t),
    60_000,
    () => now,
  );
  const model = { change: 'model', by: 'cli', model: { path: '/a', provider: 'cpu', threads: 1 } } as const;
  n.changed(model);
  now = 10_000;
  n.changed(model);
  n.changed({ change: 'batching', by: 'cli', batchSize: 1, concurrency: 1 });
  assert.equal(shown.length, 2, 'a second model switch within a minute is not shown; batching is');
  now = 61_000;
  n.changed(model);
  assert.equal(shown.length, 3);
});
