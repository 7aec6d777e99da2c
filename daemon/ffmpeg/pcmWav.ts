// A file that is already what inference reads — a whole WAV of 16-bit PCM, mono, 16 kHz — is read
// straight from disk instead of through an ffmpeg process: ffmpeg would only turn each sample x into
// x / 32768, which this does to the same float (the samples are identical,
// test/integration/pcmWav.test.ts). That is the benchmark's inputs and many prepared clips; on the
// 2-minute benchmark input ffmpeg cost 0.24 s of CPU and a process start on the two cores inference
// shares (`npx tsx bench/run.ts --quick`, "apart" line). The header facts are those containerEnd.ts
// reads anyway for the truncation check (one read of the head). Anything else — other rates, stereo,
// other codecs, a data chunk cut short or of unknown length — goes to ffmpeg, which also says what is
// wrong with damaged files.
import fs from 'node:fs';
import type { ContainerEnd } from './containerEnd';

export interface PcmWav {
  /** Byte offset of the samples. */
  dataOffset: number;
  /** Bytes of samples (2 per sample). */
  dataBytes: number;
}

/**
 * Where the samples of a whole 16 kHz mono 16-bit PCM WAV are, from what its header says
 * (containerEnd.ts, read once per decode), or null for anything else.
 */
export function pcmWavData(container: ContainerEnd): PcmWav | null {
  if (container.kind !== 'wav') return null;
  const { format: f, dataBytes, presentBytes, dataOffset } = container;
  const pcm16kMono =
    f !== null &&
    f.codec === 1 &&
    f.channels === 1 &&
    f.sampleRate === 16_000 &&
    f.blockAlign === 2 &&
    f.bitsPerSample === 16;
  // (a data chunk that runs past the end of the file, is empty or holds half a sample: ffmpeg's to judge)
  if (!pcm16kMono || dataBytes === 0 || dataBytes % 2 !== 0 || presentBytes < dataBytes) return null;
  return { dataOffset, dataBytes };
}

const CHUNK_BYTES = 128 * 1024;

/**
 * Delivers the samples in chunks as float32 (x / 32768, as ffmpeg's pcm_f32le output), awaiting the
 * consumer before reading on; stops with `abort()` when the signal fires.
 */
export async function readPcmWav(
  file: string,
  wav: PcmWav,
  onSamples: (chunk: Float32Array) => void | Promise<void>,
  aborted: () => boolean,
): Promise<number> {
  const fh = await fs.promises.open(file, 'r');
  try {
    // (WAV is little-endian, as every platform onnxruntime-node ships for)
    const bytes = new Uint8Array(CHUNK_BYTES);
    const pcm = new Int16Array(bytes.buffer);
    let done = 0;
    while (done < wav.dataBytes) {
      if (aborted()) return done / 2;
      const want = Math.min(CHUNK_BYTES, wav.dataBytes - done);
      const { bytesRead } = await fh.read(bytes, 0, want, wav.dataOffset + done);
      if (bytesRead < want)
        throw new Error(`${file} changed while it was read (${done + bytesRead} of ${wav.dataBytes} bytes)`);
      const out = new Float32Array(want / 2);
      for (let i = 0; i < out.length; i++) out[i] = pcm[i] / 32768;
      done += want;
      await onSamples(out);
    }
    return done / 2;
  } finally {
    await fh.close();
  }
}
