// Reads the source stream's codec, rate and channels from ffmpeg's own log of its input, so one
// decoding pass gives both the samples and the facts (ffmpeg-static ships no ffprobe).

export interface SourceInfo {
  codec: string;
  sampleRate: number;
  channels: number;
}

/** Containers whose header duration is exact (edit lists), unlike an mp3's bitrate estimate. */
const EXACT_DURATION_CONTAINERS = /^mov,mp4,m4a/;

/**
 * The container's duration in seconds when it is exact, else null. ffmpeg 5 does not trim the
 * encoder padding at the end of AAC in MP4 (up to one 1024-sample frame), but the container's
 * duration excludes it; capping the samples there keeps durations right to ffmpeg's 10 ms print.
 */
export function parseExactContainerDuration(stderr: string): number | null {
  const input = /^Input #0, ([^ ]+), from/m.exec(stderr);
  if (!input || !EXACT_DURATION_CONTAINERS.test(input[1])) return null;
  const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(stderr);
  if (!d) return null;
  return Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]);
}

/** The container's duration in seconds as ffmpeg prints it (an estimate for some formats), or null. */
export function parseContainerDuration(stderr: string): number | null {
  const d = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(stderr);
  return d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null;
}

/** ffmpeg has finished describing its input and output once it prints the stream mapping. */
export function headerComplete(stderr: string): boolean {
  return /^Stream mapping:/m.test(stderr);
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  quad: 4,
  'quad(side)': 4,
  '4.0': 4,
  '4.1': 5,
  '5.0': 5,
  '5.0(side)': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  '6.1': 7,
  '7.0': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  downmix: 2,
};

/** Parses the first audio stream of input #0 from ffmpeg's stderr; null when none is listed. */
export function parseSourceInfo(stderr: string): SourceInfo | null {
  let inInput0 = false;
  for (const line of stderr.split(/\r?\n/)) {
    if (/^Input #0\b/.test(line)) inInput0 = true;
    else if (/^(Input #[1-9]|Output #|Stream mapping)/.test(line)) inInput0 = false;
    if (!inInput0) continue;
    const m = /Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: Audio: (.*)$/.exec(line.trim());
    if (!m) continue;
    const parts = splitTopLevel(m[1]);
    const codec = (parts[0] ?? 'unknown').split(' ')[0];
    const rate = parts.map((p) => /^(\d+) Hz$/.exec(p)).find(Boolean);
    const layout = parts[rate ? parts.findIndex((p) => /^\d+ Hz$/.test(p)) + 1 : 2] ?? '';
    return { codec, sampleRate: rate ? Number(rate[1]) : 0, channels: channelsOf(layout) };
  }
  return null;
}

function channelsOf(layout: string): number {
  const l = layout.trim();
  if (l in LAYOUT_CHANNELS) return LAYOUT_CHANNELS[l];
  const n = /^(\d+) channels?/.exec(l);
  if (n) return Number(n[1]);
  const base = l.replace(/\(.*\)$/, '');
  return LAYOUT_CHANNELS[base] ?? 0;
}

// Splits "pcm_s16le ([1][0][0][0] / 0x0001), 16000 Hz, mono, s16" on commas outside brackets.
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
