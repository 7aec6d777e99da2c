// The daemon process: JSON-RPC over stdin/stdout. stdout carries frames only (console output is
// sent to stderr); exits when stdin closes or the parent process dies.
import { Daemon } from './server';

function log(message: string): void {
  process.stderr.write(`[daemon ${new Date().toISOString()}] ${message}\n`);
}

// Nothing but frames may reach stdout: a stray console.log from a dependency would corrupt the stream.
console.log = (...args: unknown[]) => log(args.map(String).join(' '));
console.info = console.log;
console.warn = (...args: unknown[]) => log('warn: ' + args.map(String).join(' '));

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

process.on('uncaughtException', (err) => {
  log(`uncaught exception: ${err.stack ?? err.message}`);
});
process.on('unhandledRejection', (err) => {
  log(`unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
});
log(`started, pid ${process.pid}, node ${process.versions.node}`);
