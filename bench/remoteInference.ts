// Remote inference over the Open Inference Protocol, measured on loopback against the test double
// (test/helpers/oipTestServer.ts: onnxruntime-node behind node http, NOT a real Triton): bytes on the
// wire per audio second (features up; token ids or logits down; binary vs JSON tensors), and the
// time per clip of the local session vs the remote round trip on the same synthetic model. What it
// shows is the protocol's overhead and payload sizes, not a GPU server's speed.
//
//   npx tsx bench/remoteInference.ts [--reps 5]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SenseVoiceModel } from '../daemon/inference/senseVoiceModel';
import { RemoteSenseVoiceModel } from '../daemon/remote/remoteModel';
import { startOipTestServer } from '../test/helpers/oipTestServer';
import { testModel } from '../test/helpers/testModels';
import { readPcm16Wav } from '../test/unit/daemon/features/helpers';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
  const reps = Number(values.reps);
  const dir = testModel('sherpa').dir;
  const audio = path.resolve(__dirname, '..', 'test', 'fixtures', 'audio', 'sense_voice');
  const clips = fs
    .readdirSync(audio)
    .filter((f) => f.endsWith('.wav'))
    .map((f) => readPcm16Wav(path.join(audio, f)).samples);
  const seconds = clips.reduce((n, c) => n + c.length / 16_000, 0);
  const server = await startOipTestServer({ modelDir: dir, queueDelayMs: 0 });
  const local = await SenseVoiceModel.load({ dir, provider: 'cpu', threads: 1 });
  try {
    const features = clips.map((samples) => local.frontEnd.compute({ samples }));
    const items = features.map((f) => ({ features: f, language: 0, textNorm: 15, banEmotionUnknown: false }));
    type Item = (typeof items)[number];
    const rows: string[] = [];
    const time = async (label: string, run: (it: Item) => Promise<unknown>) => {
      for (const it of items) await run(it); // warm-up
      const inBefore = server.log.bytesIn;
      const outBefore = server.log.bytesOut;
      const runs: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        for (const it of items) await run(it);
        runs.push(performance.now() - t0);
      }
      runs.sort((a, b) => a - b);
      const perSecond = (n: number) => (n / reps / seconds / 1024).toFixed(1);
      rows.push(
        `${label.padEnd(30)} ${(runs[Math.floor(reps / 2)]! / seconds).toFixed(1).padStart(6)} ms/audio s` +
          `   up ${perSecond(server.log.bytesIn - inBefore).padStart(6)} KiB/audio s` +
          `   down ${perSecond(server.log.bytesOut - outBefore).padStart(7)} KiB/audio s`,
      );
    };
    await time('local session (no network)', (it) => local.runBatch([it]));
    for (const [label, opts] of [
      ['remote ids, binary tensors', {}],
      ['remote ids, JSON tensors', { binary: false }],
      ['remote logits, binary tensors', { modelName: 'sensevoice_encoder' }],
    ] as const) {
      const m = await RemoteSenseVoiceModel.load(dir, { endpoint: server.url, ...opts });
      await time(label, (it) => m.runBatch([it]));
    }
    process.stdout.write(
      `${clips.length} clips, ${seconds.toFixed(1)} s of audio, ${reps} reps, median; synthetic tiny model, loopback test double\n` +
        rows.join('\n') +
        '\n',
    );
  } finally {
    await local.dispose();
    await server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
