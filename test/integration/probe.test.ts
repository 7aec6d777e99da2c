// The built daemon, spawned as the cli and the extension spawn it, probes every shared clip and
// versions of them in other codecs and rates; durations agree with the source WAV within 30 ms, and
// none of these whole files is taken for a cut or damaged one (no warnings: the truncation check's
// tolerance covers every codec's priming and padding).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DaemonConnection } from '../../client/daemonConnection';
import { AUDIO, requireBuilt, fixtureClips } from '../helpers/paths';
import { VARIANTS, makeVariant, wavDurationSec } from '../helpers/audioFixtures';

let daemon: DaemonConnection;
before(async () => {
  daemon = await DaemonConnection.start({
    command: process.execPath,
    args: [requireBuilt('daemon.js')],
    clientName: 'probe-test',
  });
});
after(async () => {
  await daemon.dispose();
});

const clips = fixtureClips();

test('there are clips to probe', () => {
  assert.ok(clips.length >= 8, `found ${clips.length} clips in ${AUDIO}`);
});

for (const clip of clips) {
  test(`probe ${clip} and its mp3, flac, opus, aac, 8 kHz and 48 kHz stereo versions`, async () => {
    const expected = wavDurationSec(path.join(AUDIO, clip));
    const wav = await daemon.request('audio/probe', { path: path.join(AUDIO, clip) });
    assert.equal(wav.codec, 'pcm_s16le');
    assert.equal(wav.sampleRate, 16000);
    assert.equal(wav.channels, 1);
    assert.ok(Math.abs(wav.durationSec - expected) < 0.001, `wav ${wav.durationSec} vs ${expected}`);
    assert.deepEqual(wav.warnings, [], 'a whole WAV has no warnings');
    for (const v of VARIANTS) {
      const file = makeVariant(clip, v);
      const r = await daemon.request('audio/probe', { path: file });
      assert.ok(
        Math.abs(r.durationSec - expected) <= 0.03,
        `${v.name}: ${r.durationSec.toFixed(4)} s vs ${expected.toFixed(4)} s`,
      );
      const codec = {
        mp3: 'mp3',
        flac: 'flac',
        opus: 'opus',
        aac: 'aac',
        '8k': 'pcm_s16le',
        '48k-stereo': 'pcm_s16le',
      }[v.name];
      assert.equal(r.codec, codec, v.name);
      if (v.name === '8k') assert.equal(r.sampleRate, 8000);
      if (v.name === '48k-stereo') assert.deepEqual([r.sampleRate, r.channels], [48000, 2]);
      assert.deepEqual(r.warnings, [], `${v.name}: a whole file has no warnings`);
    }
  });
}
