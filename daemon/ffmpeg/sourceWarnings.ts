// Says when a decoded file is shorter than it should be, or damaged, from what one decoding pass
// already has: ffmpeg's description of its input (the container's Duration: an MP3's Xing/Info/VBRI
// frame count, FLAC's sample count, MP4's index; else an ID3 tag's TLEN), the WAV/Ogg end facts
// (containerEnd.ts), the decoded sample count, and ffmpeg's complaints about corrupt packets while
// decoding. No second decode. Measured on 20-minute files (2 cores shared with other jobs, load
// 12-19, 7-9 interleaved runs against the decode without the check): WAV wall median 944 -> 983 ms
// and 2759 -> 2605 ms, MP3 2166 -> 2290 ms and 4076 -> 3831 ms (noise either way); the daemon's
// own CPU per decode 318 -> 290 ms (WAV) and 507 -> 507 ms (MP3). `npx tsx bench/decodeSpeed.ts`.
//
// Tolerance: a header's promise and the decoded length differ in a whole file by the encoder's
// priming and padding, which ffmpeg trims from the samples but not always from the Duration line:
// MP3 up to 1105 + 1152 samples (LAME delay and last-frame padding; 0.07 s at 32 kHz, 0.3 s at
// 8 kHz), AAC 1024-2112 priming + up to 1024 padding (0.4 s at 8 kHz), Opus 312-3840 pre-skip
// (80 ms at most), plus the 10 ms of the printed Duration. So 0.5 s, and 0.1% of the length more for
// containers whose duration comes from rounded timestamps on long files. A WAV's data size is exact:
// 0.1 s there. Durations ffmpeg only estimates from the bitrate are not compared (only a TLEN is):
// they come from the cut file's own size, so they cannot reveal a cut, and a VBR file's is wrong anyway.
import type { SourceWarning } from '../../common/protocol';
import { clockTime } from '../../common/formats/time';
import type { ContainerEnd } from './containerEnd';
import { parseContainerDuration } from './sourceInfo';

const TOLERANCE_SEC = 0.5;
const TOLERANCE_FRACTION = 0.001;
const WAV_TOLERANCE_SEC = 0.1;
/**
 * Where damage is, is known only roughly: it is the audio received when ffmpeg's complaint arrives,
 * and ffmpeg's output runs ahead of that by what the pipe and its buffers hold (a few seconds of
 * audio; all of a short file). Complaints closer together than this are one damaged place.
 */
const BURST_SEC = 5;

/** ffmpeg's words (demuxers' and decoders') for data it could not read while decoding. */
const DAMAGE =
  /corrupt input packet|Packet corrupt|Error while decoding stream|partial file|decode_frame\(\) failed|Header missing|invalid new backstep|Input buffer exhausted|invalid residual|overread|Invalid data found when processing input/i;

/** What the damage log saw: how often, and where (approximate: the samples received by then). */
export interface DamageSummary {
  count: number;
  firstSec: number;
  lastSec: number;
  /** ffmpeg's first complaint, for the log. */
  line: string;
}

/** Collects ffmpeg's complaints about damaged data once decoding has started (after "Stream mapping:"). */
export class DamageLog {
  private partial = '';
  private decoding = false;
  private summary: DamageSummary | null = null;

  /** Feeds stderr text as it arrives; `atSec` is how much audio had been received by then. */
  add(text: string, atSec: number): void {
    const lines = (this.partial + text).split(/\r?\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line, atSec);
  }

  /** Ends the log (the last line may have no newline) and says what it saw, or null. */
  end(atSec: number): DamageSummary | null {
    if (this.partial) this.line(this.partial, atSec);
    this.partial = '';
    return this.summary;
  }

  private line(line: string, atSec: number): void {
    if (/^Stream mapping:/.test(line)) this.decoding = true;
    if (!this.decoding || !DAMAGE.test(line)) return;
    if (this.summary) {
      this.summary.count++;
      this.summary.lastSec = atSec;
    } else this.summary = { count: 1, firstSec: atSec, lastSec: atSec, line: complaint(line) };
  }
}

/** ffmpeg's complaint without its "[mp3 @ 0x…]" or "file:/path:" prefix (the path may hold colons). */
function complaint(line: string): string {
  const l = line.trim().replace(/^\[[^\]]*\]\s*/, '');
  return l.startsWith('file:') ? l.slice(l.lastIndexOf(': ') + 2) : l;
}

/** A position for people: "3.7 s" under a minute (where whole seconds say too little), else "3:42". */
export function positionText(sec: number): string {
  return sec < 60 ? `${(Math.floor(sec * 10 + 1e-6) / 10).toFixed(1)} s` : clockTime(sec);
}

/** Input #0 lists a video stream that is not a cover picture: its duration may be the video's. */
function hasVideo(stderr: string): boolean {
  const input = /^Input #0\b[\s\S]*?(?=^(?:Input #[1-9]|Output #|Stream mapping))/m.exec(stderr)?.[0] ?? stderr;
  return input.split(/\r?\n/).some((l) => /Stream #0:\d+.*: Video: /.test(l) && !/\(attached pic\)/.test(l));
}

/**
 * `orDamaged`: ffmpeg also dropped data as undecodable and did not say bytes are missing, so the
 * shortfall may be frames lost in the middle rather than a cut end (the two look alike from here).
 */
function truncated(decodedSec: number, expectedSec: number, orDamaged: boolean): SourceWarning {
  const at = positionText(decodedSec);
  const promises = `it ends at ${at} but its header promises ${positionText(expectedSec)}`;
  return {
    code: 'truncated',
    message: orDamaged
      ? `The file ends early or is damaged: ${promises}, and ffmpeg found data it could not decode; part of the audio is missing from the transcript.`
      : `The file ends early: ${promises}. It was probably cut short (an interrupted copy or download, or a recording stopped by a crash); only the first ${at} can be transcribed.`,
    atSec: decodedSec,
    expectedSec,
  };
}

/** `certain`: the file visibly stops mid-way (a cut page); else it only lacks what a finished file has. */
function unfinished(decodedSec: number, what: string, certain: boolean): SourceWarning {
  const at = positionText(decodedSec);
  return {
    code: 'unfinished',
    message: certain
      ? `The file ends early: it ends at ${at} ${what}, so it was cut short (a recording stopped by a crash, an interrupted copy) and whatever followed is missing.`
      : `The file may end early: it ends at ${at} ${what}, as when a recording is stopped by a crash (then whatever followed is missing); the transcript covers the ${at} that are there.`,
    atSec: decodedSec,
  };
}

export interface WarningInputs {
  /** ffmpeg's stderr, at least its description of the input. */
  stderr: string;
  container: ContainerEnd;
  /** Seconds of audio decoded. */
  decodedSec: number;
  damage: DamageSummary | null;
}

/** The warnings for one decoded file; empty when it is whole. */
export function sourceWarnings(i: WarningInputs): SourceWarning[] {
  const out: SourceWarning[] = [];
  const c = i.container;
  const d = i.damage;
  // ffmpeg's own words that bytes are missing (an MP3 smaller than its Xing header says, an MP4
  // whose index points past the end): a shortfall is then a cut, not frames dropped as damaged.
  const cutSeen = /filesize and duration do not match|partial file/.test(i.stderr);
  if (c.kind === 'wav') {
    const expectedSec = c.dataBytes / c.byteRate;
    if (c.presentBytes < c.dataBytes && expectedSec - i.decodedSec > WAV_TOLERANCE_SEC)
      out.push(truncated(i.decodedSec, expectedSec, false));
  } else if (c.kind === 'wav-unsized') {
    out.push(unfinished(i.decodedSec, 'and its header never got its final sizes', false));
  } else if (c.kind === 'ogg') {
    if (!c.lastPageComplete) out.push(unfinished(i.decodedSec, 'in the middle of an Ogg page', true));
    else if (!c.endOfStream)
      out.push(unfinished(i.decodedSec, 'without the end-of-stream mark a finished Ogg file has', false));
  } else {
    // An estimate from the bitrate comes from the cut file's own size: only an ID3 TLEN can say more.
    const estimated = /Estimating duration from bitrate/.test(i.stderr);
    const expectedSec = estimated ? (c.id3LengthSec ?? null) : parseContainerDuration(i.stderr);
    if (
      expectedSec !== null &&
      !hasVideo(i.stderr) &&
      expectedSec - i.decodedSec > TOLERANCE_SEC + TOLERANCE_FRACTION * expectedSec
    )
      out.push(truncated(i.decodedSec, expectedSec, d !== null && !cutSeen));
  }
  // Complaints in one burst beside a cut are the cut's last, broken packet: said once, as the cut.
  if (d && !(out.length > 0 && d.lastSec - d.firstSec < BURST_SEC)) {
    const first = Math.min(d.firstSec, i.decodedSec);
    const last = Math.min(d.lastSec, i.decodedSec);
    const where =
      d.count === 1 || last - first < 1
        ? `around ${positionText(first)}`
        : `${d.count} times, from about ${positionText(first)} to ${positionText(last)}`;
    out.push({
      code: 'damaged',
      message: `The file is damaged: ffmpeg found data it could not decode ${where} ("${d.line}"); what was said there may be missing from the transcript.`,
      atSec: first,
    });
  }
  return out;
}
