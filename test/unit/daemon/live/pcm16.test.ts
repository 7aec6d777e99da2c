// The samples the daemon passes to the recording's encoder: 16-bit, as ffmpeg itself converts float
// (so a PulseAudio source's 16-bit samples reach the file unchanged), clamped at full scale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { toPcm16 } from '../../../../daemon/live/liveCapture';

const int16 = (b: Buffer) => new Int16Array(b.buffer, b.byteOffset, b.length / 2);

test('16-bit samples survive the float round trip exactly; beyond full scale is clamped', () => {
  const ks = [-32768, -32767, -1, 0, 1, 12345, 32767];
  assert.deepEqual([...int16(toPcm16(Float32Array.from(ks, (k) => k / 32768)))], ks);
  assert.deepEqual([...int16(toPcm16(Float32Array.from([1.5, -2, 1])))], [32767, -32768, 32767]);
});

test(
  'the same 16-bit samples as ffmpeg makes of the same floats',
  { skip: spawnSync('ffmpeg', ['-version']).error ? 'ffmpeg is not installed' : false },
  () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2.2 - 1.1;
    const floats = Float32Array.from({ length: 4000 }, rand);
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'f32le',
        '-ar',
        '16000',
        '-ac',
        '1',
        '-i',
        'pipe:0',
        '-f',
        's16le',
        'pipe:1',
      ],
      { input: Buffer.from(floats.buffer) },
    );
    assert.equal(r.status, 0, String(r.stderr));
    assert.deepEqual([...int16(toPcm16(floats))], [...int16(r.stdout)]);
  },
);
