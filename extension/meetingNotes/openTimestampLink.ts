// The URI handler behind the notes' timestamp links (timestampLinks.ts): opens the transcript of the
// audio file and has its view play from that moment. A transcript not open is brought back quietly
// from the daemon's cache (never a model run the user did not ask for: when it is not cached, the view
// says so and offers Retry).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FileTranscriber } from '../transcribe/fileTranscriber';
import { isAudioPath } from '../transcribe/audioFiles';
import type { TranscriptPanels } from '../transcript/transcriptPanels';
import { parseTimestampLink, timestampLink } from './timestampLinks';

/** The link to `sec` of `file`, for this editor (its URI scheme) and this extension. */
export function notesTimestampLink(extensionId: string, file: string): (sec: number) => string {
  return (sec) => timestampLink(vscode.env.uriScheme, extensionId, file, sec);
}

export function timestampLinkHandler(
  panels: TranscriptPanels,
  service: FileTranscriber,
  log: vscode.LogOutputChannel,
): vscode.UriHandler {
  return {
    handleUri(uri: vscode.Uri): void {
      const target = parseTimestampLink(uri.path, uri.query);
      if (!target || !isAudioPath(target.file)) {
        log.warn(`ignored a link that is not a SenseVoice timestamp link: ${uri.toString()}`);
        return;
      }
      if (!fs.existsSync(target.file)) {
        void vscode.window.showWarningMessage(
          `SenseVoice: the audio of this link is not there any more: ${target.file}. Moved files keep their notes' links pointing to the old place.`,
        );
        return;
      }
      const file = vscode.Uri.file(target.file);
      const session = panels.existing(file);
      const restoring = !session?.transcript && !(session?.status === 'running');
      panels.seek(file, target.sec);
      if (restoring) void service.restore(file, { transcriptFile: null });
    },
  };
}
