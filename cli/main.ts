// sensevoice: a thin client of the daemon, so everything the extension does can be scripted.
import { parseArgs } from 'node:util';
import { infoCommand, probeCommand } from './commands';
import { printError, UsageError } from './output';
import { startDaemon } from './spawnDaemon';
import type { DaemonSettings } from '../daemon/protocol';
import type { DaemonConnection } from '../client/daemonConnection';

const USAGE = `Usage: sensevoice <command> [options]

Commands:
  info [--json]                 versions, ffmpeg, platform and hardware
  probe FILE... [--json]        decode files to 16 kHz mono and report duration and source format

Options:
  --ffmpeg PATH                 ffmpeg binary to use (else ffmpeg-static's, else ffmpeg on PATH)
  --json                        machine-readable output (one JSON object per line per file)
  --verbose                     show the daemon's log on stderr
  -h, --help                    this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      ffmpeg: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const settings: DaemonSettings = { ffmpegPath: values.ffmpeg };
  const run = async (fn: (d: DaemonConnection) => Promise<number>) => {
    const daemon = await startDaemon(settings, values.verbose ?? false);
    try {
      return await fn(daemon);
    } finally {
      await daemon.dispose();
    }
  };
  switch (command) {
    case 'info':
      return run((d) => infoCommand(d, values.json ?? false));
    case 'probe':
      if (rest.length === 0) throw new UsageError('probe needs at least one FILE.');
      return run((d) => probeCommand(d, rest, values.json ?? false));
    default:
      throw new UsageError(`unknown command "${command}". Run sensevoice --help.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    printError(err);
    if (err instanceof UsageError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') process.stderr.write(USAGE);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
