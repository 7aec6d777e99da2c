// A small hand-made transcript that exercises every branch of the exports.
import type { Transcript } from '../../../../common/protocol';

export function meeting(): Transcript {
  return {
    file: '/home/ana/rec/standup 2026.wav',
    durationSec: 3725.5,
    model: { layout: 'sherpa', quantization: 'int8', provider: 'cpu' },
    timings: { decodeMs: 1000, featuresMs: 500, inferenceMs: 36_000, totalMs: 37_255 },
    segments: [
      {
        start: 0,
        end: 4.2,
        language: 'en',
        emotion: 'NEUTRAL',
        event: 'BGM',
        text: 'Welcome  everyone,\nlet us start.',
        tokens: [{ id: 7, text: '▁Welcome', start: 0.06 }],
      },
      { start: 4.2, end: 5.0, language: 'en', emotion: 'HAPPY', event: 'BGM', text: 'Great --> news', tokens: [] },
      {
        start: 61.9996,
        end: 63.5,
        language: 'zh',
        emotion: 'HAPPY',
        event: 'Laughter',
        text: '<img src=x onerror=alert(1)> & *bold*',
        tokens: [],
      },
      {
        start: 3600,
        end: 3725.5,
        language: 'nospeech',
        emotion: 'EMO_UNKNOWN',
        event: 'Applause',
        text: '',
        tokens: [],
      },
    ],
  };
}
