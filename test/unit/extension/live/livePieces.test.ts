// The small parts of Record Meeting Notes: the device pick (default first, the last choice next and
// remembered in global state), the recordings kept until their notes are final, what a remote window
// says, and the status bar's text and actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaptureDevice } from '../../../../common/protocol';
import {
  LAST_DEVICE_KEY,
  devicePicks,
  rememberDevice,
  rememberedDevice,
  type DeviceMemory,
} from '../../../../extension/live/devicePicks';
import {
  addPending,
  pendingRecordings,
  removePending,
  type PendingRecording,
} from '../../../../extension/live/pendingRecordings';
import { remoteCaptureProblem } from '../../../../extension/live/remoteCapture';
import { levelMeter, liveActions, liveStatusText } from '../../../../extension/live/liveStatusText';

/** vscode's Memento, in memory. */
class FakeMemento implements DeviceMemory {
  readonly values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.parse(JSON.stringify(value)));
  }
}

const devices: CaptureDevice[] = [
  { name: 'alsa_input.usb', description: 'USB Microphone', isDefault: false },
  { name: 'alsa_input.pci', description: 'Built-in Audio', isDefault: true },
  { name: 'sink.monitor', description: 'Monitor of Speakers', isDefault: false },
];

test('device pick: "default device" first (preselected), then the devices as listed', () => {
  const { items, active } = devicePicks(devices, undefined);
  assert.equal(active, 0);
  assert.equal(items[0].device, undefined);
  assert.match(items[0].label, /Default device/);
  assert.equal(items[0].description, 'Built-in Audio');
  assert.deepEqual(
    items.slice(1).map((i) => i.device),
    ['alsa_input.usb', 'alsa_input.pci', 'sink.monitor'],
  );
});

test('device pick: the remembered device comes right after the default, marked and preselected; a vanished one is ignored', async () => {
  const memory = new FakeMemento();
  assert.equal(rememberedDevice(memory), undefined);
  await rememberDevice(memory, 'sink.monitor');
  assert.equal(memory.get(LAST_DEVICE_KEY), 'sink.monitor');
  const { items, active } = devicePicks(devices, rememberedDevice(memory));
  assert.equal(active, 1);
  assert.equal(items[1].device, 'sink.monitor');
  assert.equal(items[1].description, 'last used');
  assert.equal(items.length, 4);
  await rememberDevice(memory, undefined);
  assert.equal(rememberedDevice(memory), undefined, 'the default is remembered as no device');
  assert.equal(devicePicks(devices, 'unplugged').active, 0);
});

test('recordings whose notes are not final are kept until removed; junk in the state is ignored', async () => {
  const memory = new FakeMemento();
  const p: PendingRecording = {
    markerId: 'm1',
    jobId: 'live-c1-1',
    path: '/n/r.ogg',
    date: '2026-12-05 09:00',
    headingLevel: 2,
    documentUri: 'file:///n/notes.md',
  };
  await addPending(memory, p);
  await addPending(memory, { ...p, markerId: 'm2' });
  await addPending(memory, p);
  assert.deepEqual(
    pendingRecordings(memory).map((x) => x.markerId),
    ['m2', 'm1'],
  );
  await removePending(memory, 'm2');
  assert.deepEqual(pendingRecordings(memory), [p]);
  memory.values.set('sensevoice.live.pending', [{ markerId: 3 }, 'x', null]);
  assert.deepEqual(pendingRecordings(memory), []);
});

test('remote windows: said plainly, per kind; a local window has no problem', () => {
  assert.equal(remoteCaptureProblem(undefined), null);
  const ssh = remoteCaptureProblem('ssh-remote')!;
  assert.match(ssh.message, /on the SSH host.*not your microphone/);
  assert.match(ssh.detail, /local VS Code window/);
  assert.match(remoteCaptureProblem('dev-container')!.message, /in the dev container/);
  assert.match(remoteCaptureProblem('codespaces')!.message, /in the codespace/);
  assert.match(remoteCaptureProblem('wsl')!.detail, /WSLg/);
  assert.match(remoteCaptureProblem('something-new')!.message, /remote machine \(something-new\)/);
});

test('status bar: recording time, level meter, paused; the click offers what the state allows', () => {
  assert.equal(levelMeter(-120), '░░░░░░');
  assert.equal(levelMeter(-30), '███░░░');
  assert.equal(levelMeter(3), '██████');
  assert.equal(liveStatusText({ state: 'recording', recordedSec: 65.4, levelDbfs: -30 }), '$(record) 1:05 ███░░░');
  assert.equal(liveStatusText({ state: 'paused', recordedSec: 65.4, levelDbfs: -30 }), '$(debug-pause) Paused 1:05');
  assert.deepEqual(
    liveActions('recording').map((a) => a.command),
    ['sensevoice.pauseRecording', 'sensevoice.stopRecording'],
  );
  assert.deepEqual(
    liveActions('paused').map((a) => a.command),
    ['sensevoice.resumeRecording', 'sensevoice.stopRecording'],
  );
  assert.deepEqual(
    liveActions('interrupted').map((a) => a.command),
    ['sensevoice.finishTranscribing'],
  );
  assert.deepEqual(liveActions('finished'), []);
});
