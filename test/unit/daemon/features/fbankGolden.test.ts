// Golden hashes of the fbank's output, taken from the implementation as it was before its hot loop
// was rewritten for speed (the diarization benchmark, issue 13): both front ends that share it
// (SenseVoice's hamming + snip_edges, the speaker embedding's povey without snip_edges, whose edge
// frames reflect the signal) on noise, a real clip and lengths around the frame edges. Any change in
// a single bit of any value changes a hash. The SenseVoice path is also checked against sherpa-onnx's
// own dump (sherpaParity.test.ts); the embedding path has no such dump, so this is its guard.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createFbankComputer, SENSE_VOICE_FBANK_OPTIONS, type FbankOptions } from '../../../../daemon/features/fbank';
import { FIXTURE_AUDIO_DIR, lcgNoise, readPcm16Wav, sha256OfFloats } from './helpers';

const EMBEDDING_OPTIONS: FbankOptions = {
  sampleRate: 16000,
  frameLength: 400,
  frameShift: 160,
  fftSize: 512,
  numMelBins: 80,
  lowFreq: 20,
  highFreq: -400,
  preemphCoeff: 0.97,
  removeDcOffset: true,
  sampleScale: 32768,
  windowType: 'povey',
  snipEdges: false,
};

const clip = readPcm16Wav(path.join(FIXTURE_AUDIO_DIR, 'librispeech', '1089-134686-0001.wav')).samples;
const noise = lcgNoise({ numSamples: 48_000, amplitude: 0.5, seed: 13 });
const inputs: Record<string, Float32Array> = {
  clip,
  noise,
  quiet: lcgNoise({ numSamples: 4_000, amplitude: 1e-6, seed: 7 }),
  n1: noise.subarray(0, 1),
  n80: noise.subarray(0, 80),
  n399: noise.subarray(0, 399),
  n401: noise.subarray(0, 401),
  n1234: noise.subarray(17, 1251),
};

const GOLDEN: Record<'sensevoice' | 'embedding', Record<string, string>> = {
  sensevoice: {
    clip: '661:12afa53015b7325780158a012a458a3fda035c6fa81f428c5d847e0b3152ccf5',
    noise: '298:a61d19534ed6646c51931c6cc5d42143f8942637128ccffa2852678331809e0b',
    quiet: '23:b4f8c7a362f7334957400ce0b32767a5e5514de97a46372f8fec784455f2ff91',
    n1: '0:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    n80: '0:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    n399: '0:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    n401: '1:ec5d1040d578e0e7fddf977991b909c527681ba9ca7f920d164744099be4961c',
    n1234: '6:1b43626c3dad913d7ca3a921a51e4a10b7ff508579b71ae2e45ab23b6d04e43a',
  },
  embedding: {
    clip: '663:38b7cfc5a8e6f518cc095ff3f74edbbc5dc6ff82b5d365664918c1f2d95a8185',
    noise: '300:1df6db8aacfcc9a3fb171ba86621059b1fdd9a2fb8690bcbacfebc691d535a00',
    quiet: '25:22421a877d0b758a311eb1fc3d18702beaca87e0f4c96ee571b43839d1ebc702',
    n1: '0:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    n80: '1:caf411117495bb23b14dad503f19bd784a12a8e9115067d1e9342040e83d9dda',
    n399: '2:77050395f053b9d0878bc3e4f66416b2b04b2f69bdedc32cb0f37fdb24a63491',
    n401: '3:5b95fa4ded0e541efde7cf4b8914ff89162807d6498c6cad0620c2f72c766e27',
    n1234: '8:9eb3655c63e3d5d00143e6c23c2d5ec5e9fcd57a67894c7e9c256b4138f12d41',
  },
};

function hashes(options: FbankOptions): Record<string, string> {
  const fb = createFbankComputer(options);
  const out: Record<string, string> = {};
  for (const [name, samples] of Object.entries(inputs)) {
    const m = fb.compute({ samples });
    out[name] = `${m.frames}:${sha256OfFloats(m.data.subarray(0, m.frames * m.dim))}`;
  }
  return out;
}

describe('fbank golden hashes (the implementation before the speed rewrite)', () => {
  it('SenseVoice options (hamming, snip_edges): every value bit-identical', () => {
    assert.deepEqual(hashes(SENSE_VOICE_FBANK_OPTIONS), GOLDEN.sensevoice);
  });
  it('speaker-embedding options (povey, no snip_edges, reflected edges): every value bit-identical', () => {
    assert.deepEqual(hashes(EMBEDDING_OPTIONS), GOLDEN.embedding);
  });
});

describe("fbank precision 'simd' (diarization's embedding front end, a WebAssembly kernel)", () => {
  it('stays close to the exact path on every value, frames, edges and partial groups of four alike', () => {
    const exact = createFbankComputer(EMBEDDING_OPTIONS);
    const fast = createFbankComputer({ ...EMBEDDING_OPTIONS, precision: 'simd' });
    let worst = 0;
    let differing = 0;
    let values = 0;
    for (const [name, samples] of Object.entries(inputs)) {
      const a = exact.compute({ samples });
      const b = fast.compute({ samples });
      assert.equal(b.frames, a.frames, name);
      for (let i = 0; i < a.frames * a.dim; i++) {
        const d = Math.abs(a.data[i] - b.data[i]);
        worst = Math.max(worst, d);
        if (d > 0) differing++;
        values++;
      }
    }
    // float32 like the exact path, in another order of operations: 4.9e-4 at most on these inputs
    // (log-mel values of -16 to 25), 2.4% of values differ at all.
    assert.ok(worst < 1e-3, `largest difference ${worst}`);
    // Not the exact path under another name: some values do differ.
    assert.ok(differing > 0 && differing < values, `${differing} of ${values} values differ`);
  });

  it('writes only its frames into a larger output and gives the same values on reuse', () => {
    const fast = createFbankComputer({ ...EMBEDDING_OPTIONS, precision: 'simd' });
    const short = fast.compute({ samples: noise.subarray(0, 1234) });
    const long = fast.compute({ samples: clip }); // a longer input: the kernel's buffers grow
    const out = { frames: 0, dim: 80, data: new Float32Array(long.frames * 80) };
    fast.compute({ samples: clip, out });
    assert.deepEqual(out.data, long.data);
    fast.compute({ samples: noise.subarray(0, 1234), out });
    const n = short.frames * 80;
    assert.equal(out.frames, short.frames);
    assert.deepEqual(out.data.subarray(0, n), short.data);
    assert.deepEqual(out.data.subarray(n), long.data.subarray(n), 'the values past its frames untouched');
  });

  it('refuses an FFT size its kernel was not built for', () => {
    assert.throws(
      () => createFbankComputer({ ...EMBEDDING_OPTIONS, fftSize: 1024, precision: 'simd' }),
      /simd kernel needs fftSize 512/,
    );
  });
});
