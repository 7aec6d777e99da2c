// The extension in desktop VS Code (Electron), run by @vscode/test-electron from test/desktop/run.mjs,
// which bundles this file, opens a workspace with en.wav and a synthetic model in its settings, and
// passes what the cli made of en.wav. Each test prints a line; run() throws if any failed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'sensevoice.sensevoice';

interface Case {
  name: string;
  fn: () => Promise<void>;
  /** Why the case does not run here; it is then reported as skipped, never as passed. */
  skip?: string | false;
}
const cases: Case[] = [];
const test = (name: string, fn: () => Promise<void>, options: { skip?: string | false } = {}) =>
  cases.push({ name, fn, skip: options.skip });

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the desktop suite with npm run test:desktop`);
  return v;
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

test('activates on its command, not before', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is loaded from the development path`);
  assert.equal(ext.isActive, false, 'nothing in a workspace without Markdown activates it');
  await vscode.commands.executeCommand('sensevoice.showLogs');
  assert.equal(ext.isActive, true);
  const commands = await vscode.commands.getCommands(true);
  for (const c of [
    'sensevoice.transcribe',
    'sensevoice.exportTranscript',
    'sensevoice.checkGpu',
    'sensevoice.downloadModel',
  ])
    assert.ok(commands.includes(c), c);
});

test("transcribes en.wav through its command; the exported transcript is the daemon's", async () => {
  const expected = JSON.parse(fs.readFileSync(env('SENSEVOICE_DESKTOP_EXPECTED'), 'utf8')) as {
    segments: { start: number; end: number; language: string; emotion: string; event: string; text: string }[];
  };
  const audio = workspaceFile('en.wav');
  // Resolves when the file is done (or failed: then there is nothing to export below).
  await vscode.commands.executeCommand('sensevoice.transcribe', audio);
  const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Transcript: en.wav');
  assert.ok(tab, 'the transcript view is open');
  const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sensevoice-desktop-')), 'en.transcript.json');
  const written = await vscode.commands.executeCommand<string | undefined>('sensevoice.exportTranscript', {
    source: audio,
    format: 'json',
    target,
  });
  assert.equal(written, target, 'the export wrote where it was asked');
  const got = JSON.parse(fs.readFileSync(target, 'utf8')) as typeof expected & {
    file: string;
    model: { provider: string };
  };
  assert.equal(got.file, audio.fsPath);
  assert.equal(got.model.provider, 'cpu');
  const strip = (s: typeof expected.segments) =>
    s.map(({ start, end, language, emotion, event, text }) => ({ start, end, language, emotion, event, text }));
  assert.deepEqual(strip(got.segments), strip(expected.segments));
});

// (ps is the check; on Windows the transcription above already needed the daemon)
const noPs = process.platform === 'win32' && 'the check reads the process table with ps, which Windows lacks';
test(
  "runs its daemon on VS Code's own runtime (Electron as Node)",
  async () => {
    const script = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'daemon.js');
    const daemons = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 3 && Number(f[1]) === process.pid && f.slice(2).includes(script));
    assert.equal(daemons.length, 1, `one daemon child of the extension host running ${script}`);
    const pid = daemons[0]![0]!;
    const exe =
      process.platform === 'linux'
        ? fs.realpathSync(`/proc/${pid}/exe`)
        : fs.realpathSync(execFileSync('ps', ['-o', 'comm=', '-p', pid], { encoding: 'utf8' }).trim());
    assert.equal(
      exe,
      fs.realpathSync(process.execPath),
      "the editor's binary (ELECTRON_RUN_AS_NODE), no separate Node.js",
    );
  },
  { skip: noPs },
);

export async function run(): Promise<void> {
  const failed: string[] = [];
  let skipped = 0;
  for (const c of cases) {
    if (c.skip) {
      skipped++;
      console.log(`- ${c.name} SKIPPED: ${c.skip}`);
      continue;
    }
    const t0 = Date.now();
    try {
      await c.fn();
      console.log(`✔ ${c.name} (${Date.now() - t0} ms)`);
    } catch (err) {
      failed.push(c.name);
      console.error(`✖ ${c.name}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  console.log(
    `desktop suite: ${cases.length - failed.length - skipped} passed, ${skipped} skipped, ${failed.length} failed`,
  );
  if (failed.length > 0) throw new Error(`${failed.length} desktop test(s) failed: ${failed.join('; ')}`);
}
