// The status bar item of a recording: state, recording time and level meter; a click offers Pause,
// Resume, Stop Recording (or Finish Transcribing after a crash).
import * as vscode from 'vscode';
import { liveStatusText, type LiveStatus } from './liveStatusText';

export class LiveStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'sensevoice.recording',
    vscode.StatusBarAlignment.Left,
    1000,
  );

  constructor() {
    this.item.name = 'SenseVoice Recording';
    this.item.command = 'sensevoice.recordingActions';
  }

  update(s: LiveStatus, file: string): void {
    this.item.text = liveStatusText(s);
    this.item.tooltip = `SenseVoice: ${s.state === 'paused' ? 'paused, not recording' : s.state} · ${file}\nClick for Pause, Resume and Stop Recording.`;
    this.item.backgroundColor =
      s.state === 'recording'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : s.state === 'interrupted' || s.state === 'paused'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
