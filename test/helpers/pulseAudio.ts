// A private PulseAudio server for capture tests: its own runtime folder and socket (nothing of the
// user's sound setup is touched), a null sink whose monitor is the device to record, and playback
// of a clip into that sink. Tests skip, saying why, when Debian's pulseaudio package is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findOnPath } from '../../daemon/ffmpeg/resolveFfmpeg';
import { tempDir } from './paths';
import { waitFor } from './waitFor';

export const SINK = 'sv_test';
/** The device the capture records: the null sink's monitor. */
export const MONITOR = `${SINK}.monitor`;
const SINK_ARGS = [`sink_name=${SINK}`, 'rate=16000', 'channels=1', 'format=s16le'];

/** Why the PulseAudio tests cannot run here, or null when they can. */
export function pulseAudioMissing(): string | null {
  for (const tool of ['pulseaudio', 'pactl', 'paplay'])
    if (!findOnPath(tool, process.env.PATH))
      return `${tool} is not installed (apt-get install pulseaudio pulseaudio-utils)`;
  return null;
}

export interface PulseServer {
  /** Environment that points PulseAudio clients (ffmpeg, paplay, pactl) at this server only. */
  env: NodeJS.ProcessEnv;
  /** Plays a file into the null sink; resolves when playback has ended. */
  play: (file: string) => Promise<void>;
  pactl: (...args: string[]) => string;
  /** Loads the null sink again (after a test removed it). */
  restoreSink: () => void;
  stop: () => Promise<void>;
}

/** Starts a server with a 16 kHz mono null sink (the fixtures' rate: no resampling between clip and capture). */
export async function startPulseServer(): Promise<PulseServer> {
  const dir = tempDir('pulse');
  const runtime = path.join(dir, 'runtime');
  fs.mkdirSync(runtime, { mode: 0o700 });
  const socket = path.join(runtime, 'native');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    XDG_RUNTIME_DIR: runtime,
    PULSE_RUNTIME_PATH: runtime,
    PULSE_STATE_PATH: path.join(dir, 'state'),
    PULSE_SERVER: `unix:${socket}`,
  };
  const child: ChildProcess = spawn(
    'pulseaudio',
    [
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--use-pid-file=no',
      '--disallow-exit',
      '-n',
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      `--load=module-null-sink ${SINK_ARGS.join(' ')}`,
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => (log = (log + s).slice(-4000)));
  const pactl = (...args: string[]) => {
    const r = spawnSync('pactl', args, { env, encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`pactl ${args.join(' ')}: ${r.stderr || r.error?.message}`);
    return r.stdout;
  };
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`pulseaudio exited (${child.exitCode}): ${log}`);
      try {
        return pactl('list', 'short', 'sources').includes(MONITOR);
      } catch {
        return false;
      }
    },
    () => `the test PulseAudio server (${log.trim().split('\n').pop() ?? 'no output'})`,
    20_000,
  );
  return {
    env,
    pactl,
    restoreSink: () => void pactl('load-module', 'module-null-sink', ...SINK_ARGS),
    play: (file) =>
      new Promise((resolve, reject) => {
        const p = spawn('paplay', ['-d', SINK, file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.setEncoding('utf8');
        p.stderr.on('data', (s: string) => (err += s));
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
      }),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
