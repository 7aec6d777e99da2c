// `sensevoice daemon status|stop`: the shared per-user daemon, seen from the command line.
import { runtimePlaces } from '../common/daemon/runtimeDir';
import { bytesText, preciseDuration } from '../common/units';
import { UsageError } from './output';
import { runningDaemon } from './spawnDaemon';

export async function daemonCommand(args: string[], json: boolean, verbose: boolean): Promise<number> {
  const [verb, ...extra] = args;
  if ((verb !== 'status' && verb !== 'stop') || extra.length > 0)
    throw new UsageError('daemon takes "status" or "stop". See sensevoice --help.');
  const places = runtimePlaces();
  const d = await runningDaemon(verbose);
  if (!d) {
    if (json) process.stdout.write(JSON.stringify({ running: false, socket: places.socket }) + '\n');
    else process.stdout.write(`No shared daemon is running (${places.socket}).\n`);
    return verb === 'status' ? 3 : 0;
  }
  try {
    if (verb === 'stop') {
      const pid = d.initializeResult?.pid;
      await d.request('daemon/stop', undefined);
      process.stdout.write(
        json ? JSON.stringify({ stopped: true, pid }) + '\n' : `Stopped the shared daemon (pid ${pid}).\n`,
      );
      return 0;
    }
    const s = await d.request('daemon/status', undefined);
    // This command is a client too: the count shows the others.
    const others = Math.max(0, s.clients - 1);
    if (json) {
      process.stdout.write(JSON.stringify({ running: true, socket: places.socket, ...s, clients: others }) + '\n');
      return 0;
    }
    const rows: [string, string][] = [
      ['pid', String(s.pid)],
      ['version', s.daemonVersion + (s.retiring ? ' (retiring)' : '')],
      ['uptime', preciseDuration(s.uptimeSec)],
      ['socket', places.socket],
      ['log', places.log],
      ['model', s.model ? s.model.modelFile : 'not loaded'],
      ['provider', s.model ? s.model.provider : '-'],
      ['clients', String(others)],
      ['jobs', `${s.jobsRunning} running, ${s.jobsQueued} queued`],
      ['memory', bytesText(s.rssBytes)],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
    return 0;
  } finally {
    await d.dispose();
  }
}
