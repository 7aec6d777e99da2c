// The guide's checklist items that depend on settings and tools: audio pre-decoding, warm-up at load,
// the VAD segment cap and concurrency, each pass / warn / fail with its fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildChecklist, type ChecklistFacts } from '../../../../daemon/diagnostics/checklist';
import { decodersByFormat, parseAudioDecoders } from '../../../../daemon/diagnostics/ffmpegCheck';
import type { BenchmarkResult, FfmpegCheck, GpuReport, NvidiaInfo } from '../../../../common/protocol';

const FULL_FFMPEG: FfmpegCheck = {
  path: '/usr/bin/ffmpeg',
  version: '6.1',
  source: 'path',
  decoders: { mp3: ['mp3float', 'mp3'], aac: ['aac'], opus: ['opus', 'libopus'] },
};
const NO_NVIDIA: NvidiaInfo = {
  status: 'not-found',
  path: null,
  gpus: [],
  driverVersion: null,
  minDriverVersion: '525.60.13',
  driverOk: null,
};
const SETTINGS: GpuReport['settings'] = { provider: 'auto', threads: 0, vad: 'on', maxSegmentSec: 30, concurrency: 2 };

function facts(patch: Partial<ChecklistFacts> = {}): ChecklistFacts {
  return {
    platform: 'linux',
    quick: false,
    settings: SETTINGS,
    cpuCores: 8,
    nvidia: NO_NVIDIA,
    providers: [{ provider: 'cpu', ok: true, ms: 5 }],
    selectedProvider: 'cpu',
    ffmpeg: FULL_FFMPEG,
    benchmark: null,
    ...patch,
  };
}
const get = (f: ChecklistFacts, id: string) => buildChecklist(f).find((c) => c.id === id)!;

test('pre-decoding: full ffmpeg passes; one without opus warns; none fails with install commands', () => {
  assert.equal(get(facts(), 'predecode').status, 'pass');
  const noOpus = get(
    facts({ ffmpeg: { ...FULL_FFMPEG, decoders: { ...FULL_FFMPEG.decoders, opus: [] } } }),
    'predecode',
  );
  assert.equal(noOpus.status, 'warn');
  assert.match(noOpus.detail, /cannot decode opus/);
  const none = get(
    facts({
      ffmpeg: {
        path: null,
        version: null,
        source: null,
        decoders: { mp3: [], aac: [], opus: [] },
        error: 'ffmpeg was not found.',
      },
    }),
    'predecode',
  );
  assert.equal(none.status, 'fail');
  assert.match(none.fix ?? '', /apt-get install ffmpeg/);
});

test('ffmpeg -decoders output is read for mp3, aac and opus', () => {
  const out = [
    'Decoders:',
    ' V..... = Video',
    ' ------',
    ' V....D 012v                 Uncompressed 4:2:2 10-bit',
    ' A....D aac                  AAC (Advanced Audio Coding)',
    ' A....D mp3float             MP3 (MPEG audio layer 3) (codec mp3)',
    ' A....D libopus              libopus Opus (codec opus)',
    ' A....D pcm_s16le            PCM signed 16-bit little-endian',
  ].join('\n');
  assert.deepEqual(parseAudioDecoders(out), ['aac', 'mp3float', 'libopus', 'pcm_s16le']);
  assert.deepEqual(decodersByFormat(parseAudioDecoders(out)), { mp3: ['mp3float'], aac: ['aac'], opus: ['libopus'] });
});

test('VAD: on with a 30 s cap passes; a 45 s cap warns; off warns with the setting to change', () => {
  assert.equal(get(facts(), 'vadCap').status, 'pass');
  const long = get(facts({ settings: { ...SETTINGS, maxSegmentSec: 45 } }), 'vadCap');
  assert.equal(long.status, 'warn');
  assert.match(long.fix ?? '', /maxSegmentSec to 30 or less/);
  const off = get(facts({ settings: { ...SETTINGS, vad: 'off' } }), 'vadCap');
  assert.equal(off.status, 'warn');
  assert.match(off.fix ?? '', /sensevoice\.vad to "on"/);
});

test('concurrency: sensible passes; more files than cores, or files x threads past the cores, warn; below 1 fails', () => {
  assert.equal(get(facts(), 'concurrency').status, 'pass');
  const many = get(facts({ cpuCores: 2, settings: { ...SETTINGS, concurrency: 8 } }), 'concurrency');
  assert.equal(many.status, 'warn');
  assert.match(many.fix ?? '', /concurrency to 2/);
  const threads = get(facts({ cpuCores: 8, settings: { ...SETTINGS, concurrency: 4, threads: 4 } }), 'concurrency');
  assert.equal(threads.status, 'warn');
  assert.match(threads.detail, /16 threads on 8 core/);
  assert.match(threads.fix ?? '', /threads to 2/);
  assert.equal(get(facts({ settings: { ...SETTINGS, concurrency: 0 } }), 'concurrency').status, 'fail');
});

test('warm-up: measured on the selected provider when it was timed; otherwise it says it could not be', () => {
  const bench: BenchmarkResult = {
    clipSec: 10,
    model: 'synthetic',
    description: '',
    featuresMs: 30,
    frames: 167,
    runs: [
      {
        provider: 'cpu',
        ok: true,
        modelFile: 'synthetic',
        quantization: 'fp32',
        sessionMs: 400,
        coldMs: 900,
        warmMs: 300,
        rtf: 0.03,
      },
    ],
  };
  const w = get(facts({ benchmark: bench }), 'warmup');
  assert.equal(w.status, 'pass');
  assert.match(w.detail, /first run took 900 ms and later runs 300 ms: the warm-up saves the first file about 600 ms/);
  assert.equal(get(facts(), 'warmup').status, 'warn');
});

test('macOS: the driver comes with the system; the CPU provider failing is a failure of everything', () => {
  assert.equal(get(facts({ platform: 'darwin' }), 'driver').status, 'pass');
  const broken = get(
    facts({ providers: [{ provider: 'cpu', ok: false, ms: 1, reason: 'boom' }], selectedProvider: null }),
    'provider',
  );
  assert.equal(broken.status, 'fail');
  assert.match(broken.fix ?? '', /Reinstall/);
});
