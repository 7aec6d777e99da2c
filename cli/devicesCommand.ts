// `sensevoice devices`: the capture devices the daemon's ffmpeg can record from, with the name that
// `sensevoice record --device` takes. Exits 1 when the ffmpeg in use cannot capture at all.
import type { DaemonConnection } from '../client/daemonConnection';
import type { CaptureFormat } from '../common/protocol';

export async function devicesCommand(
  daemon: DaemonConnection,
  o: { json: boolean; inputFormat: CaptureFormat | undefined },
): Promise<number> {
  const r = await daemon.request('devices/list', { inputFormat: o.inputFormat });
  if (o.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  if (r.devices.length === 0) {
    process.stdout.write(`No ${r.inputFormat} capture devices found by ${r.ffmpeg}.\n`);
    return 0;
  }
  const w = Math.max(...r.devices.map((d) => d.name.length));
  for (const d of r.devices) process.stdout.write(`${d.isDefault ? '*' : ' '} ${d.name.padEnd(w)}  ${d.description}\n`);
  process.stdout.write(`\n(${r.inputFormat} through ${r.ffmpeg}; * the default; record one with --device NAME)\n`);
  return 0;
}
