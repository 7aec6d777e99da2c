// What the status bar item says for each daemon state; pure so it is tested without VS Code.
import type { DaemonState } from './daemonSupervisor';

export interface StatusText {
  text: string;
  tooltip: string;
  severity: 'normal' | 'warning' | 'error';
}

export function describeState(state: DaemonState): StatusText {
  switch (state.kind) {
    case 'idle':
      return {
        text: '$(unmute) SenseVoice',
        tooltip: 'SenseVoice: the daemon starts on first use.',
        severity: 'normal',
      };
    case 'starting':
      return { text: '$(loading~spin) SenseVoice', tooltip: 'SenseVoice: starting the daemon…', severity: 'normal' };
    case 'ready': {
      const on = state.provider
        ? state.provider === 'cpu'
          ? 'CPU'
          : state.provider === 'remote'
            ? 'server' // the model runs on an inference server (sensevoice.inference.endpoint)
            : (state.device ?? state.provider.toUpperCase())
        : '';
      const busy = state.busy > 0 ? ` $(sync~spin) ${state.busy}` : '';
      const hint = state.gpuHint ? ' $(lightbulb)' : '';
      const sharing = state.shared && state.shared.others > 0 ? ' $(link)' : '';
      const text = `$(unmute) SenseVoice${on ? `: ${on}` : ''}${sharing}${hint}${busy}`;
      const lines = [
        state.shared
          ? `SenseVoice shared daemon ready (pid ${state.pid}), ${
              state.shared.others > 0
                ? `shared with ${state.shared.others} other window(s) or command(s)`
                : 'used by this window only for now'
            }`
          : `SenseVoice daemon ready (pid ${state.pid})`,
        state.provider
          ? state.provider === 'remote'
            ? 'Inference on the inference server set in sensevoice.inference.endpoint'
            : `Inference on ${on}${state.provider !== 'cpu' ? ` (${state.provider})` : ''}`
          : 'No model loaded yet',
        state.busy > 0 ? `${state.busy} request(s) running` : 'Idle',
        ...(state.gpuHint ? [`${state.gpuHint} Run "SenseVoice: Check GPU" to see why.`] : []),
      ];
      return { text, tooltip: lines.join('\n'), severity: 'normal' };
    }
    case 'stopped':
      return {
        text: '$(circle-slash) SenseVoice',
        tooltip: `SenseVoice daemon stopped: ${state.reason}`,
        severity: 'warning',
      };
    case 'error':
      return { text: '$(error) SenseVoice', tooltip: `SenseVoice daemon error: ${state.message}`, severity: 'error' };
  }
}
