// Recording in a remote window (SSH, dev container, WSL, Codespaces): the daemon, and so ffmpeg, run on
// the remote machine, which does not have the user's microphone. This says so plainly, per kind of
// remote, instead of recording the remote machine's silence (or its own sound card) as if it were.

/** Why recording here would not hear the user, or null in a local window. */
export function remoteCaptureProblem(remoteName: string | undefined): { message: string; detail: string } | null {
  if (!remoteName) return null;
  const where: Record<string, string> = {
    'ssh-remote': 'on the SSH host',
    'dev-container': 'in the dev container',
    'attached-container': 'in the container',
    wsl: 'in WSL',
    codespaces: 'in the codespace',
    tunnel: 'on the tunnel’s machine',
  };
  const place = where[remoteName] ?? `on the remote machine (${remoteName})`;
  const wsl =
    remoteName === 'wsl'
      ? ' On Windows 11, WSLg passes the Windows microphone to WSL through PulseAudio; if "SenseVoice: Record Meeting Notes" lists it, recording there works.'
      : '';
  return {
    message: `SenseVoice runs ${place} in this window, so it can only record that machine's audio devices, not your microphone.`,
    detail:
      `To record a meeting, open the notes in a local VS Code window (or record with "sensevoice record" on your own machine and use "Insert Meeting Notes" on the file).${wsl}` +
      ' Record on the remote machine only if it really has the input you want.',
  };
}
