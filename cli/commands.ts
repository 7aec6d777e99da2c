// The cli's commands. Each takes parsed options and a started daemon and returns an exit code.
import type { DaemonConnection } from '../client/daemonConnection';
import type { ProbeResult } from '../common/protocol';
import { bytesText, preciseDuration } from '../common/units';
import { describeError, printError, printSourceWarnings } from './output';
import { serverInfoRows } from './serverCommands';

export async function infoCommand(daemon: DaemonConnection, json: boolean, endpoint: boolean): Promise<number> {
  const info = await daemon.request('system/info', undefined);
  // With --endpoint: the inference server too (it is checked only when asked about).
  const server = endpoint ? await daemon.request('inferenceServer/check', undefined) : null;
  if (json) {
    process.stdout.write(JSON.stringify(server ? { ...info, inferenceServer: server } : info, null, 2) + '\n');
  } else {
    const rows: [string, string][] = [
      ['SenseVoice', info.daemonVersion],
      ['Node.js', info.node],
      ['onnxruntime-node', info.onnxruntime ?? 'not installed'],
      [
        'ffmpeg',
        info.ffmpeg ? `${info.ffmpeg.version} (${info.ffmpeg.path}, from ${info.ffmpeg.source})` : 'not found',
      ],
      ['Platform', `${info.platform} ${info.arch}`],
      ['CPU', `${info.cpuModel} (${info.cpuCores} cores)`],
      ['Memory', `${bytesText(info.totalMemoryBytes)} total, ${bytesText(info.freeMemoryBytes)} free`],
      ...(server ? serverInfoRows(server) : []),
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
    if (info.ffmpegError) process.stdout.write(`\n${info.ffmpegError}\n`);
  }
  return info.ffmpeg && (!server || server.modelReady) ? 0 : 1;
}

export async function probeCommand(daemon: DaemonConnection, files: string[], json: boolean): Promise<number> {
  let failures = 0;
  for (const file of files) {
    let r: ProbeResult;
    try {
      r = await daemon.request('audio/probe', { path: file });
    } catch (err) {
      failures++;
      printError(err, file);
      if (json) process.stdout.write(JSON.stringify({ path: file, error: describeError(err) }) + '\n');
      continue;
    }
    printSourceWarnings(r.warnings, file);
    if (json) process.stdout.write(JSON.stringify(r) + '\n');
    else {
      const ch = r.channels === 1 ? 'mono' : r.channels === 2 ? 'stereo' : `${r.channels} ch`;
      process.stdout.write(
        `${file}  ${preciseDuration(r.durationSec)} (${r.durationSec.toFixed(3)} s)  ${r.codec}  ${r.sampleRate} Hz  ${ch}\n`,
      );
    }
  }
  return failures === 0 ? 0 : 1;
}
