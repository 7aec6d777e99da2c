// The README's main job on a fresh machine: transcribe sample clips with the real SenseVoiceSmall
// model. Uses a model already in the store (or SENSEVOICE_MODEL_DIR), downloads one where the
// network allows, and only when neither works falls back to the synthetic random-weight model,
// saying so plainly (its tags and timestamps are real pipeline output; its text is not).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run demo [-- FILE...]   (or: node tools/demo.mjs FILE...)

Transcribes FILE... (default: the sense_voice en and zh sample clips) with the real model when one is
in the store or can be downloaded, else with a synthetic one.`;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli.js');
let args;
try {
  // Strict, so a stray flag is reported here instead of reaching `sensevoice transcribe` as an option.
  args = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    strict: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
} catch (err) {
  if (!String(err?.code).startsWith('ERR_PARSE_ARGS_')) throw err;
  process.stderr.write(`demo: ${err.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (args.values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const clips = args.positionals.length
  ? args.positionals
  : ['sense_voice/en.wav', 'sense_voice/zh.wav'].map((c) => path.join(root, 'test', 'fixtures', 'audio', c));

const run = (args, opts = {}) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', ...opts });
const say = (s) => process.stderr.write(`\n== ${s}\n`);

let model = process.env.SENSEVOICE_MODEL_DIR;
if (!model) {
  const list = run(['model', 'list', '--json']);
  const stored = list.status === 0 ? JSON.parse(list.stdout) : null;
  if (stored?.fallback?.path ?? stored?.fallback?.dir) model = stored.fallback.path ?? stored.fallback.dir;
}
if (!model) {
  say('No SenseVoiceSmall model yet: downloading the int8 model (about 230 MB) into the shared model store.');
  const dl = run(['model', 'download'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (dl.status === 0) {
    const list = JSON.parse(run(['model', 'list', '--json']).stdout);
    model = list.fallback?.path ?? list.fallback?.dir;
  }
}
let synthetic = false;
if (!model) {
  synthetic = true;
  model = path.join(root, '.cache', 'demo-model');
  say(
    'The model could not be downloaded (no network?). Using a SYNTHETIC random-weight model with the real\n' +
      'SenseVoice contract instead: language/emotion/event tags, segments and timestamps are real output of the\n' +
      'pipeline, but the text is random pieces. Run `npx sensevoice model download` with network access for real text.',
  );
  const gen = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'tools', 'makeTestModel', 'main.ts'), '--out', model, '--layout', 'sherpa'],
    { stdio: 'inherit', cwd: root },
  );
  if (gen.status !== 0) process.exit(gen.status ?? 1);
}
say(`Transcribing ${clips.length} clip(s) with ${synthetic ? 'the synthetic model' : model}`);
const r = run(['transcribe', ...clips, '--model', model, '--verbose'], { stdio: ['ignore', 'inherit', 'pipe'] });
for (const line of (r.stderr ?? '').split('\n'))
  if (/^(model:|warning:|error: [A-Z][A-Za-z]+: |\S+: [\d.]+ s,)/.test(line)) process.stderr.write(line + '\n');
process.exit(r.status ?? 1);
