// The workspace's speaker profiles as VS Code sees them: the file in the first workspace folder's
// .vscode/, the opt-in setting (sensevoice.speakers.profiles, off by default) and the threshold, and a
// copy of the file's profiles kept current by a file watcher, so that every diarized request can carry
// them without reading the disk first. A change goes through profilesFileIo's read-modify-write, and
// is refused while the file has unsaved edits in an editor (the user's edits are never overwritten).
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DEFAULT_PROFILE_THRESHOLD,
  SPEAKER_PROFILES_FILE,
  type DiarizationOptions,
  type SpeakerProfile,
  type SpeakerProfilesFile,
} from '../../common/protocol';
import { readProfilesFile, updateProfilesFile } from './profilesFileIo';
import type { VoiceProfileStore } from './voiceProfileFlows';

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('sensevoice');
}

export class SpeakerProfileStore implements VoiceProfileStore, vscode.Disposable {
  private profiles: SpeakerProfile[] = [];
  /** Why the file could not be read, when it could not (said once per problem, in the log). */
  private problem: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private watched: string | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  /** Bumped by every read and write: a read that finishes after a newer one started is dropped. */
  private generation = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.watch()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('sensevoice.speakers')) void this.reload();
      }),
    );
    this.watch();
  }

  file(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && folder.uri.scheme === 'file' ? path.join(folder.uri.fsPath, SPEAKER_PROFILES_FILE) : undefined;
  }

  enabled(): boolean {
    return settings().get<boolean>('speakers.profiles') === true;
  }

  async enable(): Promise<void> {
    await settings().update('speakers.profiles', true, vscode.ConfigurationTarget.Workspace);
  }

  async read(): Promise<SpeakerProfilesFile> {
    const file = this.file();
    if (!file) return { version: 1, profiles: [] };
    return readProfilesFile(file);
  }

  async update<R>(change: (f: SpeakerProfilesFile) => { file: SpeakerProfilesFile; result: R }): Promise<R> {
    const file = this.file();
    if (!file) throw new Error(`open a folder first: voices are kept in its ${SPEAKER_PROFILES_FILE}.`);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    if (open?.isDirty)
      throw new Error(`${file} has unsaved changes in an editor: save or revert them, then try again.`);
    const out = await updateProfilesFile(file, change);
    this.generation++;
    this.profiles = out.file.profiles;
    this.problem = undefined;
    return out.result;
  }

  /** What a diarized request carries: the profiles and threshold when profiles are on and the file reads. */
  requestPart(): Pick<DiarizationOptions, 'profiles' | 'profileThreshold'> {
    if (!this.enabled() || this.profiles.length === 0) return {};
    const t = settings().get<unknown>('speakers.profileThreshold');
    const threshold = typeof t === 'number' && t >= 0 && t <= 1 ? t : DEFAULT_PROFILE_THRESHOLD;
    return { profiles: this.profiles, profileThreshold: threshold };
  }

  private watch(): void {
    const file = this.file();
    if (file === this.watched) return;
    this.watched = file;
    this.watcher?.dispose();
    this.watcher = undefined;
    if (file) {
      const w = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      const reload = () => void this.reload();
      w.onDidCreate(reload);
      w.onDidChange(reload);
      w.onDidDelete(reload);
      this.watcher = w;
    }
    void this.reload();
  }

  private async reload(): Promise<void> {
    const generation = ++this.generation;
    if (!this.enabled()) {
      this.profiles = [];
      return;
    }
    try {
      const profiles = (await this.read()).profiles;
      if (generation !== this.generation) return;
      this.profiles = profiles;
      if (this.problem) this.log.info('speaker profiles: the file reads again');
      this.problem = undefined;
    } catch (err) {
      if (generation !== this.generation) return;
      this.profiles = [];
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.problem) {
        this.log.warn(`speaker profiles not used: ${message}`);
        void vscode.window.showWarningMessage(
          `SenseVoice: speaker profiles are not used until this is fixed: ${message}`,
        );
      }
      this.problem = message;
    }
  }

  dispose(): void {
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

let current: SpeakerProfileStore | undefined;

/** The store of this window (set at activation). */
export function setSpeakerProfileStore(store: SpeakerProfileStore | undefined): void {
  current = store;
}

/** The profiles part of this window's diarized requests (nothing before activation or when off). */
export function speakerProfilesForRequests(): Pick<DiarizationOptions, 'profiles' | 'profileThreshold'> {
  return current?.requestPart() ?? {};
}
