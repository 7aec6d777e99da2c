// The foundation everything else trusts: our whole pipeline (ffmpeg decode, front end, ONNX
// session, greedy CTC) gives the same tags, tokens, token times and text as sherpa-onnx-node on the
// same synthetic model and audio, for every clip, language auto and forced, ITN off and on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import type { LanguageSetting, Transcript } from '../../common/protocol';
import { AUDIO, requireBuilt, fixtureClips } from '../helpers/paths';
import { runSherpa, type SherpaJob, type SherpaResult } from '../helpers/sherpaRunner';
import { testModel } from '../helpers/testModels';

const CLIP_LANGUAGE: Record<string, LanguageSetting> = { librispeech: 'en' };
function clipLanguage(clip: string): LanguageSetting {
  const [dir, file] = clip.split('/');
  return CLIP_LANGUAGE[dir] ?? (path.basename(file, '.wav') as LanguageSetting);
}

let daemon: DaemonConnection;
before(async () => {
  daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'parity',
    settings: { provider: 'cpu', threads: 1 },
  });
});
after(async () => {
  await daemon.dispose();
});

interface Case {
  clip: string;
  language: LanguageSetting;
  itn: boolean;
}

async function ours(modelDir: string, c: Case): Promise<Transcript> {
  return daemon.request('transcribe/file', {
    path: path.join(AUDIO, c.clip),
    modelPath: modelDir,
    language: c.language,
    itn: c.itn,
    vad: 'off',
  });
}

function compare(label: string, t: Transcript, s: SherpaResult, counts: { tokens: number; mismatches: number }): void {
  assert.equal(t.segments.length, 1, `${label}: one segment with VAD off`);
  const seg = t.segments[0];
  assert.equal(`<|${seg.language}|>`, s.lang, `${label}: language`);
  assert.equal(`<|${seg.emotion}|>`, s.emotion, `${label}: emotion`);
  assert.equal(`<|${seg.event}|>`, s.event, `${label}: event`);
  const ourTokens = seg.tokens.map((k) => k.text.replace(/^▁/, ' '));
  counts.tokens += Math.max(ourTokens.length, s.tokens.length);
  for (let i = 0; i < Math.max(ourTokens.length, s.tokens.length); i++) {
    if (ourTokens[i] !== s.tokens[i] || seg.tokens[i]?.start !== s.timestamps[i]) counts.mismatches++;
  }
  assert.deepEqual(ourTokens, s.tokens, `${label}: tokens`);
  assert.deepEqual(
    seg.tokens.map((k) => k.start),
    s.timestamps,
    `${label}: token times`,
  );
  assert.equal(seg.text, s.text.trimEnd(), `${label}: text`);
  assert.ok(seg.tokens.length > 0, `${label}: the synthetic model emits text`);
}

for (const variant of ['fp32', 'int8'] as const) {
  test(`parity with sherpa-onnx-node (${variant}): every clip, language auto and forced, ITN off and on`, async (t) => {
    const model = testModel('sherpa', { int8: true });
    const file = variant === 'int8' ? model.int8Model! : model.model;
    // Ours picks int8 for the CPU when both files are present: give each variant its own folder view.
    const dir = variant === 'int8' ? model.dir : testModel('sherpa').dir;
    const cases: Case[] = [];
    for (const clip of fixtureClips()) {
      for (const language of ['auto', clipLanguage(clip)] as LanguageSetting[]) {
        for (const itn of [false, true]) cases.push({ clip, language, itn });
      }
    }
    const jobs: SherpaJob[] = cases.map((c) => ({
      model: file,
      tokens: model.tokens!,
      wav: path.join(AUDIO, c.clip),
      language: c.language === 'auto' ? '' : c.language,
      itn: c.itn,
    }));
    const sherpa = runSherpa(jobs);
    const counts = { tokens: 0, mismatches: 0 };
    const languages = new Set<string>();
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      const tr = await ours(dir, c);
      assert.equal(tr.model.quantization, variant);
      compare(`${c.clip} language=${c.language} itn=${c.itn}`, tr, sherpa[i], counts);
      languages.add(tr.segments[0].language);
      if (c.language !== 'auto') assert.equal(tr.segments[0].language, c.language, 'a forced language is obeyed');
    }
    assert.ok(languages.size >= 3, 'the cases exercise several languages');
    t.diagnostic(
      `${variant}: ${cases.length} cases over ${fixtureClips().length} clips, ${counts.tokens} tokens compared, ${counts.mismatches} mismatches`,
    );
  });
}

test('the FunASR layout of the same weights gives the same transcript as the sherpa layout', async (t) => {
  const sherpa = testModel('sherpa');
  const funasr = testModel('funasr');
  let tokens = 0;
  for (const clip of fixtureClips()) {
    for (const itn of [false, true]) {
      const c: Case = { clip, language: 'auto', itn };
      const a = await ours(sherpa.dir, c);
      const b = await ours(funasr.dir, c);
      assert.equal(a.model.layout, 'sherpa');
      assert.equal(b.model.layout, 'funasr');
      assert.deepEqual(b.segments, a.segments, `${clip} itn=${itn}`);
      tokens += a.segments[0].tokens.length;
    }
  }
  t.diagnostic(`funasr vs sherpa layout: ${fixtureClips().length * 2} cases, ${tokens} tokens, 0 mismatches`);
});

test('ban emotion unknown picks a real emotion where the model says EMO_UNKNOWN', async () => {
  const dir = testModel('sherpa').dir;
  let flipped = 0;
  for (const clip of fixtureClips()) {
    const plain = await ours(dir, { clip, language: 'auto', itn: false });
    const banned = (
      await daemon.request('transcribe/file', {
        path: path.join(AUDIO, clip),
        modelPath: dir,
        banEmotionUnknown: true,
        itn: false,
        vad: 'off',
      })
    ).segments[0];
    assert.notEqual(banned.emotion, 'EMO_UNKNOWN', clip);
    if (plain.segments[0].emotion === 'EMO_UNKNOWN') flipped++;
    else assert.equal(banned.emotion, plain.segments[0].emotion, `${clip}: a known emotion is kept`);
  }
  assert.ok(flipped >= 1, 'at least one clip exercises the ban');
});
