// Device lists as each ffmpeg input format prints them, and the coded error when the ffmpeg in use
// was built without the capture input (checked with a stand-in binary that prints a -devices list
// lacking pulse, as ffmpeg-static's Linux build does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseAvfoundation, parseDshow, parseSources } from '../../../../daemon/live/listDevices';
import { checkCaptureFormat, defaultCaptureFormat, parseInputDevices } from '../../../../daemon/live/captureInput';
import { ErrorCode, SenseVoiceError } from '../../../../common/protocol';
import { tempDir } from '../../../helpers/paths';

const DEVICES = `Devices:
 D. = Demuxing supported
 .E = Muxing supported
 --
 DE alsa            ALSA audio output
  E caca            caca (color ASCII art) output device
 D  lavfi           Libavfilter virtual input device
  E opengl          OpenGL output
 DE pulse           Pulse audio output
  E sdl,sdl2        SDL2 output device
 D  video4linux2,v4l2 Video4Linux2 output device
`;

test('ffmpeg -devices: input formats are the D lines, aliases included; output-only devices are not', () => {
  const inputs = parseInputDevices(DEVICES);
  for (const f of ['alsa', 'lavfi', 'pulse', 'video4linux2', 'v4l2']) assert.ok(inputs.has(f), f);
  for (const f of ['caca', 'opengl', 'sdl', 'sdl2']) assert.ok(!inputs.has(f), f);
});

test('pulse and alsa -sources: name, description, the default marked with *', () => {
  const text = `Auto-detected sources for pulse:
* sv_test.monitor [Monitor of Null Output] (none)
  alsa_input.pci-0000_00_1f.3.analog-stereo [Built-in Audio Analog Stereo] (none)
`;
  assert.deepEqual(parseSources(text), [
    { name: 'sv_test.monitor', description: 'Monitor of Null Output', isDefault: true },
    {
      name: 'alsa_input.pci-0000_00_1f.3.analog-stereo',
      description: 'Built-in Audio Analog Stereo',
      isDefault: false,
    },
  ]);
  assert.deepEqual(parseSources('Auto-detected sources for pulse:\nCannot list sources: Cannot allocate memory\n'), []);
});

test('AVFoundation: only the audio list, as ":Name"', () => {
  const text = `[AVFoundation indev @ 0x7f8] AVFoundation video devices:
[AVFoundation indev @ 0x7f8] [0] FaceTime HD Camera
[AVFoundation indev @ 0x7f8] [1] Capture screen 0
[AVFoundation indev @ 0x7f8] AVFoundation audio devices:
[AVFoundation indev @ 0x7f8] [0] MacBook Pro Microphone
[AVFoundation indev @ 0x7f8] [1] BlackHole 2ch
: Input/output error`;
  assert.deepEqual(parseAvfoundation(text), [
    { name: ':MacBook Pro Microphone', description: 'MacBook Pro Microphone', isDefault: true },
    { name: ':BlackHole 2ch', description: 'BlackHole 2ch', isDefault: false },
  ]);
});

test('DirectShow: audio devices as "audio=Name", newer (typed) and older (sectioned) listings', () => {
  const typed = `[dshow @ 000001] "Integrated Camera" (video)
[dshow @ 000001]   Alternative name "@device_pnp_\\\\?\\usb#vid"
[dshow @ 000001] "Microphone Array (Realtek(R) Audio)" (audio)
[dshow @ 000001]   Alternative name "@device_cm_{33D9A762}\\wave_{5A7E}"
dummy: Immediate exit requested`;
  assert.deepEqual(parseDshow(typed), [
    {
      name: 'audio=Microphone Array (Realtek(R) Audio)',
      description: 'Microphone Array (Realtek(R) Audio)',
      isDefault: true,
    },
  ]);
  const sectioned = `[dshow @ 02] DirectShow video devices (some may be both video and audio devices)
[dshow @ 02]  "Integrated Camera"
[dshow @ 02] DirectShow audio devices
[dshow @ 02]  "Microphone (USB Audio)"
[dshow @ 02]  "Stereo Mix (Realtek Audio)"`;
  assert.deepEqual(
    parseDshow(sectioned).map((d) => d.name),
    ['audio=Microphone (USB Audio)', 'audio=Stereo Mix (Realtek Audio)'],
  );
});

test('the platform default formats', () => {
  assert.equal(defaultCaptureFormat('linux'), 'pulse');
  assert.equal(defaultCaptureFormat('darwin'), 'avfoundation');
  assert.equal(defaultCaptureFormat('win32'), 'dshow');
});

test('an ffmpeg without the pulse input: InputFormatUnsupported naming that ffmpeg and how to get one with it', async (t) => {
  if (process.platform === 'win32') return t.skip('the stand-in ffmpeg is a shell script');
  const dir = tempDir('ffmpeg-no-pulse');
  const fake = path.join(dir, 'ffmpeg');
  const listing = DEVICES.replace(/^.*pulse.*\n/m, '');
  fs.writeFileSync(fake, `#!/bin/sh\ncat <<'LIST'\n${listing}LIST\n`, { mode: 0o755 });
  await assert.rejects(checkCaptureFormat(fake, 'pulse'), (err: unknown) => {
    assert.ok(err instanceof SenseVoiceError);
    assert.equal(err.code, ErrorCode.InputFormatUnsupported);
    assert.match(err.message, new RegExp(`ffmpeg at ${fake} cannot record audio`));
    assert.match(err.message, /apt-get install ffmpeg/);
    return true;
  });
  await checkCaptureFormat(fake, 'alsa');
  fs.rmSync(dir, { recursive: true, force: true });
});
