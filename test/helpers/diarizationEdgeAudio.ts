// The diarization edge-case recordings as WAV files both engines read: silence, half a second of
// speech, and a cut one sample longer than the segmentation window (cached in .cache/fixtures/speakers).
import fs from 'node:fs';
import path from 'node:path';
import { decodeWhole } from '../../daemon/ffmpeg/decodeWhole';
import { makeMultiSpeakerAudio, writeWav16k } from './multiSpeakerAudio';
import { CACHE } from './paths';

/** A file decoded to 16 kHz mono with ffmpeg, as the daemon does. */
export const decodeSamples = (file: string): Promise<Float32Array> => decodeWhole(file);

export interface EdgeAudio {
  wav: string;
  durationSec: number;
}

/** silence (12 s), halfSecond (0.5 s of the two-speaker recording), windowPlusOne (160,001 samples). */
export async function makeEdgeAudio(
  windowSize = 160_000,
): Promise<Record<'silence' | 'halfSecond' | 'windowPlusOne', EdgeAudio>> {
  const dir = path.join(CACHE, 'fixtures', 'speakers');
  fs.mkdirSync(dir, { recursive: true });
  const two = await decodeSamples(makeMultiSpeakerAudio('twoSpeakers').file);
  const edge = (name: string, samples: Float32Array): EdgeAudio => ({
    wav: writeWav16k(path.join(dir, `${name}.wav`), samples),
    durationSec: samples.length / 16000,
  });
  return {
    silence: edge('silence-12s', new Float32Array(12 * 16000)),
    halfSecond: edge('half-second', two.slice(2 * 16000, 2 * 16000 + 8000)),
    windowPlusOne: edge('window-plus-one', two.slice(0, windowSize + 1)),
  };
}
