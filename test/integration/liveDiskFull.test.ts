// A live recording whose disk fills up (issue 14, bad input): a real full disk, a small tmpfs
// mounted for the test with room for about two seconds of WAV, recorded from a private PulseAudio
// server's null sink by the built daemon. Expected: live/ended with RecordingWriteFailed and a
// message that says the disk is full, what is kept and what to do; the recording so far kept and
// playable (it decodes to the bytes that fitted, within one tmpfs page); live/stop still answers
// with the transcript of what was kept; and the daemon goes on serving (a new recording elsewhere,
// a file transcription). Skips, saying why, where pulseaudio is missing or tmpfs cannot be mounted
// (mounting needs root or CAP_SYS_ADMIN).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import { ErrorCode, SenseVoiceError, type LiveEndedParams, type LiveLevelParams } from '../../common/protocol';
import { AUDIO, requireBuilt, tempDir } from '../helpers/paths';
import { testModel } from '../helpers/testModels';
import { waitFor } from '../helpers/waitFor';
import { MONITOR, pulseAudioMissing, startPulseServer, type PulseServer } from '../helpers/pulseAudio';

const CLIP = path.join(AUDIO, 'sense_voice/en.wav');
/** The tmpfs and the free room left in it: 64 KiB is two seconds of 16 kHz 16-bit WAV. */
const TMPFS_BYTES = 512 * 1024;
const FREE_BYTES = 64 * 1024;
const PAGE = 4096;

/** Mounts a tmpfs of TMPFS_BYTES at a new folder, or says why it cannot. */
function mountSmallTmpfs(): { dir: string } | { why: string } {
  const dir = tempDir('disk-full');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status === 0) return { dir };
  fs.rmSync(dir, { recursive: true, force: true });
  return { why: `cannot mount a tmpfs here (${(r.stderr || r.error?.message || '').trim()}); it needs root` };
}

function decodedSec(file: string): number {
  const b = execFileSync(
    'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-i', file, '-ac', '1', '-ar', '16000', '-f', 's16le', '-'],
    { maxBuffer: 1 << 26 },
  );
  return b.length / 32_000;
}

const missing = pulseAudioMissing();
const mounted = missing ? null : mountSmallTmpfs();
const skip = missing ?? (mounted && 'why' in mounted ? mounted.why : false);

describe('live recording onto a disk that fills up', { skip }, () => {
  let pa: PulseServer;
  let d: DaemonConnection;
  const levels = new Map<string, LiveLevelParams[]>();
  const ended = new Map<string, LiveEndedParams>();
  const disk = mounted && 'dir' in mounted ? mounted.dir : '';
  before(async () => {
    pa = await startPulseServer();
    d = await DaemonConnection.start({
      command: process.execPath,
      args: [requireBuilt('daemon.js')],
      clientName: 'disk-full-test',
      env: pa.env,
      settings: { provider: 'cpu', modelPath: testModel('sherpa').dir },
    });
    d.endpoint.onNotification('live/level', (raw) => {
      const p = raw as LiveLevelParams;
      levels.set(p.id, [...(levels.get(p.id) ?? []), p]);
    });
    d.endpoint.onNotification('live/ended', (raw) => ended.set((raw as LiveEndedParams).id, raw as LiveEndedParams));
  });
  after(async () => {
    await d?.dispose();
    await pa?.stop();
    if (disk) {
      spawnSync('umount', [disk]);
      fs.rmSync(disk, { recursive: true, force: true });
    }
  });

  test('RecordingWriteFailed "disk is full", the recording so far kept and playable, the daemon serves on', async () => {
    const free = () => {
      const s = fs.statfsSync(disk);
      return s.bavail * s.bsize;
    };
    fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(free() - FREE_BYTES));
    const room = free();
    assert.ok(room >= FREE_BYTES - PAGE && room <= FREE_BYTES + PAGE, `${room} bytes free`);

    const out = path.join(disk, 'meeting.wav');
    const s = await d.request('live/start', { device: MONITOR, out, format: 'wav' });
    const play = pa.play(CLIP);
    const end = await waitFor(() => ended.get(s.id), 'live/ended when the disk is full', 30_000);
    await play;
    assert.equal(end.code, ErrorCode.RecordingWriteFailed);
    assert.match(end.message, /disk is full/);
    assert.match(end.message, /kept/);
    assert.match(end.message, /free some space/);
    await assert.rejects(
      d.request('live/pause', { id: s.id }),
      (e: unknown) => e instanceof SenseVoiceError && e.code === ErrorCode.LiveWrongState,
      'a recording that cannot be written any more can only be stopped',
    );

    const r = await d.request('live/stop', { id: s.id });
    assert.equal(r.ended?.code, ErrorCode.RecordingWriteFailed);
    assert.equal(r.path, out);
    // What fitted is kept and plays: the file holds the room there was, less the WAV header.
    const size = fs.statSync(out).size;
    assert.ok(size >= room - PAGE, `${size} bytes kept of ${room} free`);
    const kept = decodedSec(out);
    assert.ok(Math.abs(kept - (size - 44) / 32_000) <= 0.01, `decodes to ${kept} s`);
    assert.ok(kept >= (FREE_BYTES - 2 * PAGE) / 32_000, `kept ${kept} s`);
    assert.ok(r.capturedSec >= kept - 0.01, `captured ${r.capturedSec} s, kept ${kept} s`);
    assert.ok(r.transcript, 'what was kept is transcribed');
    assert.ok(Math.abs(r.transcript.durationSec - kept) <= 0.05, `${r.transcript.durationSec} vs ${kept}`);

    // The daemon goes on: a recording elsewhere, and a file transcription.
    const elsewhere = tempDir('disk-full-after');
    try {
      const again = await d.request('live/start', { device: MONITOR, dir: elsewhere });
      await waitFor(() => (levels.get(again.id)?.at(-1)?.capturedSec ?? 0) >= 0.5, 'capture elsewhere', 20_000);
      const r2 = await d.request('live/stop', { id: again.id });
      assert.equal(r2.ended, null);
      assert.ok(r2.capturedSec >= 0.5);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
    const t = await d.request('transcribe/file', { path: CLIP });
    assert.ok(t.segments.length >= 1);
  });
});
