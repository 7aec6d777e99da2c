// The status bar item: the daemon's state at a glance; click for the logs.
import * as vscode from 'vscode';
import type { DaemonState } from './daemonSupervisor';
import { describeState } from './statusText';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('sensevoice.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'SenseVoice';
    this.item.command = 'sensevoice.showLogs';
    this.update({ kind: 'idle' });
    this.item.show();
  }

  update(state: DaemonState): void {
    const d = describeState(state);
    this.item.text = d.text;
    const tip = new vscode.MarkdownString(d.tooltip.split('\n').join('\n\n'), true);
    tip.appendMarkdown(
      '\n\n[Check GPU](command:sensevoice.checkGpu) · [Show Logs](command:sensevoice.showLogs) · [Restart Daemon](command:sensevoice.restartDaemon)',
    );
    tip.isTrusted = { enabledCommands: ['sensevoice.checkGpu', 'sensevoice.showLogs', 'sensevoice.restartDaemon'] };
    this.item.tooltip = tip;
    this.item.backgroundColor =
      d.severity === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : d.severity === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
