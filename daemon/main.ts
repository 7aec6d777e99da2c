// The daemon process. Private mode (default): JSON-RPC over stdin/stdout for one client; stdout
// carries frames only (console output is sent to stderr); exits when stdin closes or the parent
// dies. Shared mode (`--listen`): the per-user daemon on a Unix socket or named pipe, serving every
// window and cli call of the user; exits after an idle time with no clients and no jobs.
import { parseArgs } from 'node:util';
import { Daemon } from './server';
import { runShared } from './listen/sharedDaemon';
import { GpuSetupService } from './gpuSetup/gpuSetupService';

function log(message: string): void {
  process.stderr.write(`[daemon ${new Date().toISOString()}] ${message}\n`);
}

// Nothing but frames may reach stdout: a stray console.log from a dependency would corrupt the stream.
console.log = (...args: unknown[]) => log(args.map(String).join(' '));
console.info = console.log;
console.warn = (...args: unknown[]) => log('warn: ' + args.map(String).join(' '));

process.on('uncaughtException', (err) => {
  log(`uncaught exception: ${err.stack ?? err.message}`);
});
process.on('unhandledRejection', (err) => {
  log(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: true,
  options: {
    listen: { type: 'boolean', default: false },
    socket: { type: 'string' },
    'idle-minutes': { type: 'string' },
  },
});

// After an extension update the bin folder is fresh: the GPU libraries a setup cached are copied
// back before anything loads a provider (a no-op check of three file sizes otherwise).
void new GpuSetupService({}, log).restoreFromCache().then(() => {
  if (values.listen) {
    runShared({ socket: values.socket, idleMinutes: values['idle-minutes'], log });
  } else {
    runPrivate();
  }
});

function runPrivate(): void {
  // Requests are small (paths and options; audio never crosses the pipe): a 4 MiB frame is an error.
  const daemon = new Daemon({ input: process.stdin, output: process.stdout, log, maxFrameBytes: 4 * 1024 * 1024 });
  daemon.endpoint.onClose(() => {
    log('stdin closed; exiting');
    process.exit(0);
  });

  // Orphan guard: the parent passes its pid; if it dies without closing our stdin, exit anyway.
  const parentPid = Number(process.env.SENSEVOICE_PARENT_PID ?? process.ppid);
  if (Number.isInteger(parentPid) && parentPid > 1) {
    setInterval(() => {
      try {
        process.kill(parentPid, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
          log(`parent ${parentPid} is gone; exiting`);
          process.exit(0);
        }
      }
    }, 2000).unref();
  }
  // A Ctrl-C in a terminal reaches the whole process group, this daemon of a `sensevoice --stdio`
  // included: the cli handles it (a recording is finished and transcribed here first), then closes
  // our stdin. Dying on it would lose that work, so the client alone decides when this daemon ends.
  process.on('SIGINT', () => log('SIGINT ignored: the client ends this daemon by closing its stdin'));
  log(`started, pid ${process.pid}, node ${process.versions.node}`);
}
