// The reference peer in a process of its own (sherpa-onnx ends the whole process on a bad model, and
// its memory must be measured apart): sherpa-onnx-node's Silero VAD + OfflineRecognizer, fed by
// ffmpeg's 16 kHz float output in 512-sample windows, each speech segment recognised as it is
// popped (the pipeline of sherpa-onnx's own VAD + non-streaming ASR examples). Plain JavaScript so
// its start-up costs what a node program's does. Driven over IPC by run.ts (childProcess.ts).
'use strict';
const { spawn } = require('node:child_process');
const sherpa = require('sherpa-onnx-node');

const WINDOW = 512;
let recognizer = null;
let vad = null;
let config = null;

function now() {
  return performance.now();
}

function load(m) {
  config = m;
  const t0 = now();
  recognizer = new sherpa.OfflineRecognizer({
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: {
      senseVoice: { model: m.model, language: '', useInverseTextNormalization: 1 },
      tokens: m.tokens,
      numThreads: m.threads,
      provider: 'cpu',
      debug: 0,
    },
  });
  const t1 = now();
  vad = newVad();
  const t2 = now();
  // Warm-up as our daemon does at load: one second of low noise.
  const noise = new Float32Array(16000);
  let seed = 12345;
  for (let i = 0; i < noise.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    noise[i] = (seed / 2 ** 32 - 0.5) * 0.01;
  }
  const s = recognizer.createStream();
  s.acceptWaveform({ sampleRate: 16000, samples: noise });
  recognizer.decode(s);
  const t3 = now();
  return { type: 'loaded', loadMs: t1 - t0, vadLoadMs: t2 - t1, warmupMs: t3 - t2 };
}

function newVad() {
  return new sherpa.Vad(
    {
      sileroVad: {
        model: config.vadModel,
        threshold: 0.5,
        minSilenceDuration: 0.3,
        minSpeechDuration: 0.25,
        windowSize: WINDOW,
        maxSpeechDuration: config.maxSpeechSec,
      },
      sampleRate: 16000,
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    },
    config.maxSpeechSec + 30,
  );
}

function run(m) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    // A fresh detector per file, as a fresh stream would be.
    vad = newVad();
    let vadMs = 0;
    let asrMs = 0;
    let first = null;
    let segments = 0;
    let tokens = 0;
    let samplesIn = 0;
    const spans = [];
    let carry = new Float32Array(0);
    const recognise = () => {
      while (!vad.isEmpty()) {
        const seg = vad.front();
        vad.pop();
        const a = now();
        const s = recognizer.createStream();
        s.acceptWaveform({ sampleRate: 16000, samples: seg.samples });
        recognizer.decode(s);
        const r = recognizer.getResult(s);
        asrMs += now() - a;
        segments++;
        tokens += r.tokens.length;
        spans.push({ start: seg.start / 16000, end: (seg.start + seg.samples.length) / 16000 });
        first ??= now() - t0;
      }
    };
    const ff = spawn(
      m.ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        `file:${m.file}`,
        '-map',
        '0:a:0',
        '-ac',
        '1',
        '-ar',
        '16000',
        '-f',
        'f32le',
        '-acodec',
        'pcm_f32le',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    ff.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    let pending = Buffer.alloc(0);
    ff.stdout.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const whole = pending.length - (pending.length % 4);
      const floats = new Float32Array(pending.buffer.slice(pending.byteOffset, pending.byteOffset + whole));
      pending = pending.subarray(whole);
      samplesIn += floats.length;
      let all = floats;
      if (carry.length) {
        all = new Float32Array(carry.length + floats.length);
        all.set(carry);
        all.set(floats, carry.length);
      }
      let i = 0;
      for (; i + WINDOW <= all.length; i += WINDOW) {
        const a = now();
        vad.acceptWaveform(all.subarray(i, i + WINDOW));
        vadMs += now() - a;
        recognise();
      }
      carry = all.slice(i);
    });
    ff.on('error', reject);
    ff.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg exited with ${code}: ${err.trim()}`));
      const a = now();
      if (carry.length) {
        const tail = new Float32Array(WINDOW);
        tail.set(carry);
        vad.acceptWaveform(tail);
      }
      vad.flush();
      vadMs += now() - a;
      recognise();
      resolve({
        type: 'done',
        id: m.id,
        wallMs: now() - t0,
        firstSegmentMs: first,
        segments,
        tokens,
        vadMs,
        asrMs,
        durationSec: samplesIn / 16000,
        spans,
      });
    });
  });
}

process.on('message', (m) => {
  Promise.resolve()
    .then(() => (m.type === 'load' ? load(m) : run(m)))
    .then(
      (r) => process.send({ ...r, id: m.id }),
      (e) => process.send({ type: 'failed', id: m.id, message: e && e.stack ? e.stack : String(e) }),
    );
});
process.on('disconnect', () => process.exit(0));
