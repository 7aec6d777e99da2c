// Files cut short the ways users meet them, made at test time from the fixture clips
// (test/fixtures/audio) with ffmpeg and byte cuts (cached in .cache/fixtures/truncated): an MP3 cut
// after 2,000 bytes (its Xing header still gives the full length), a WAV whose header promises more
// than it holds, a WAV and an Ogg/Opus recording stopped by a crash (header sizes never written; no
// end-of-stream page), FLAC and MP4 cut in the middle, MP3s with garbage in their middle, and an MP3
// without a Xing header (so ffmpeg only estimates its length) whose ID3 TLEN gives the full length.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIO, CACHE } from './paths';

const dir = path.join(CACHE, 'fixtures', 'truncated');
export const EN = path.join(AUDIO, 'sense_voice/en.wav');
/** en.wav lasts 7.152 s. */
export const EN_SEC = 7.152;

function cached(name: string, make: (tmp: string) => void): string {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `tmp-${process.pid}-${name}`);
    make(tmp);
    fs.renameSync(tmp, file);
  }
  return file;
}

function encode(name: string, args: string[]): string {
  return cached(name, (tmp) =>
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, tmp], { stdio: 'ignore' }),
  );
}

function cut(name: string, source: string, bytes: (b: Buffer) => Buffer): string {
  return cached(name, (tmp) => fs.writeFileSync(tmp, bytes(fs.readFileSync(source))));
}

/** Byte offsets where each Ogg page ends, walking the pages from the start. */
export function oggPageEnds(b: Buffer): number[] {
  const ends: number[] = [];
  let at = 0;
  while (at + 27 <= b.length && b.toString('latin1', at, at + 4) === 'OggS') {
    const n = b[at + 26];
    let body = 0;
    for (let i = 0; i < n; i++) body += b[at + 27 + i];
    at += 27 + n + body;
    ends.push(at);
  }
  return ends;
}

/** 4 kB of garbage over the middle of a file. */
function garbageInMiddle(b: Buffer): Buffer {
  const out = Buffer.from(b);
  const mid = out.length >> 1;
  for (let i = 0; i < 4096; i++) out[mid + i] = (i * 131 + 7) & 0xff;
  return out;
}

export function truncatedAudio() {
  const mp3Short = encode('en-3.7s.mp3', ['-i', EN, '-t', '3.7', '-c:a', 'libmp3lame', '-b:a', '64k']);
  const mp3 = encode('en.mp3', ['-i', EN, '-c:a', 'libmp3lame', '-b:a', '64k']);
  // Small pages (as the live recorder writes them), so a cut at a page boundary falls mid-file.
  const ogg = encode('en.ogg', ['-i', EN, '-c:a', 'libopus', '-b:a', '32k', '-page_duration', '200000']);
  const flac = encode('en.flac', ['-i', EN, '-c:a', 'flac']);
  // No Xing/Info header: ffmpeg estimates the length from the file size.
  const mp3NoXing = encode('en-no-xing.mp3', ['-i', EN, '-c:a', 'libmp3lame', '-b:a', '64k', '-write_xing', '0']);
  const mp3Tlen = encode('en-tlen.mp3', [
    ...['-i', EN, '-c:a', 'libmp3lame', '-b:a', '64k', '-write_xing', '0'],
    ...['-metadata', `TLEN=${Math.round(EN_SEC * 1000)}`],
  ]);
  const m4a = encode('en-faststart.m4a', ['-i', EN, '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart']);
  // What ffmpeg leaves when killed while writing a WAV: 0xFFFFFFFF where the sizes go.
  const streamedWav = cached('en-streamed.wav', (tmp) =>
    fs.writeFileSync(
      tmp,
      execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', EN, '-c:a', 'pcm_s16le', '-f', 'wav', '-'], {
        maxBuffer: 1 << 26,
      }),
    ),
  );
  return {
    /** The case: 2,000 bytes of a 3.7 s MP3. */
    mp3Cut2000: cut('en-3.7s-2000bytes.mp3', mp3Short, (b) => b.subarray(0, 2000)),
    mp3Half: cut('en-half.mp3', mp3, (b) => b.subarray(0, b.length >> 1)),
    /** The header says 7.152 s; 40% of the data is there. */
    wavHeaderPromisesMore: cut('en-40pct.wav', EN, (b) => b.subarray(0, Math.floor(b.length * 0.4))),
    wavCrashed: cut('en-crashed.wav', streamedWav, (b) => b.subarray(0, Math.floor(b.length * 0.5))),
    /** A streamed WAV that was not cut: sizes never written, all audio there. */
    wavStreamedWhole: streamedWav,
    oggCutMidPage: cut('en-cut-mid-page.ogg', ogg, (b) => b.subarray(0, Math.floor(b.length * 0.5))),
    /** Cut right after a whole page in the middle: what a crashed recorder that flushes every page leaves. */
    oggCrashed: cut('en-crashed.ogg', ogg, (b) => {
      const ends = oggPageEnds(b);
      return b.subarray(0, ends[Math.floor(ends.length / 2)]);
    }),
    flacHalf: cut('en-half.flac', flac, (b) => b.subarray(0, b.length >> 1)),
    m4aHalf: cut('en-half.m4a', m4a, (b) => b.subarray(0, Math.floor(b.length * 0.6))),
    /** 4 kB of garbage in the middle of a whole MP3: the length is right, the middle is damaged. */
    mp3DamagedMiddle: cut('en-damaged-middle.mp3', mp3, garbageInMiddle),
    /** Cut in half; only its ID3 TLEN says 7.152 s. */
    mp3TlenHalf: cut('en-tlen-half.mp3', mp3Tlen, (b) => b.subarray(0, b.length >> 1)),
    /** Garbage in the middle of an MP3 whose length ffmpeg estimates: damage, and nothing to compare. */
    mp3NoXingDamaged: cut('en-no-xing-damaged.mp3', mp3NoXing, (b) => garbageInMiddle(b)),
    whole: { mp3, ogg, flac, m4a, mp3NoXing, mp3Tlen },
  };
}
