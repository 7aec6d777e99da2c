// Pause, resume and stop for `sensevoice record`, typed on its stdin: one command a line, so a user
// types `p` and Enter in the terminal, and a script writes `pause\n` into the pipe. The end of stdin
// (a closed pipe, </dev/null, a detached job) is not a command: the recording goes on until
// --duration, Ctrl-C or `stop`.
import readline from 'node:readline';

export type RecordControl = 'pause' | 'resume' | 'stop';

const WORDS: Record<string, RecordControl> = {
  p: 'pause',
  pause: 'pause',
  r: 'resume',
  resume: 'resume',
  s: 'stop',
  stop: 'stop',
  q: 'stop',
  quit: 'stop',
};

/** The command a line names, null for an empty line, or undefined for anything else. */
export function parseControl(line: string): RecordControl | null | undefined {
  const word = line.trim().toLowerCase();
  return word === '' ? null : WORDS[word];
}

export const CONTROLS_HELP = 'p + Enter: pause, r + Enter: resume, s + Enter or Ctrl-C: stop';

/** Reads commands from `input` until closed; `onUnknown` hears lines that name none. */
export function listenForControls(
  input: NodeJS.ReadableStream,
  onControl: (c: RecordControl) => void,
  onUnknown: (line: string) => void,
): { close: () => void } {
  const rl = readline.createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    const c = parseControl(line);
    if (c) onControl(c);
    else if (c === undefined) onUnknown(line.trim());
  });
  return {
    close: () => {
      rl.close();
      // A pipe or terminal left open would keep the process alive after the command.
      if (input === process.stdin) process.stdin.destroy();
    },
  };
}
