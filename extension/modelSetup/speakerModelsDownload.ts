// "Download Speaker Models" as steps over two ports, so it is unit-tested with a fake connection and a
// fake window: ask the daemon what would be fetched (licences, sizes, how each file is checked), show
// that and ask, download with cancellable progress, report. The vscode wiring is speakerModelsCommand.ts.
import type { RequestOptions } from '../../client/daemonConnection';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationDownloadParams,
  type DiarizationDownloadResult,
  type ModelListResult,
  type ParamsOf,
  type RequestName,
  type ResultOf,
} from '../../common/protocol';
import { bytesText } from '../../common/units';
import { DownloadProgress, type ProgressStep } from './downloadProgress';

/** The daemon, as the supervisor offers it. */
export interface Requester {
  request<M extends RequestName>(method: M, params: ParamsOf<M>, options?: RequestOptions): Promise<ResultOf<M>>;
}

/** The window, as far as this flow uses it. */
export interface SpeakerModelsUi {
  /** A modal question; true for the confirming button. */
  confirm(message: string, detail: string, button: string): Promise<boolean>;
  /** A cancellable progress notification around `work`. */
  withProgress<T>(
    title: string,
    work: (report: (s: ProgressStep) => void, signal: AbortSignal) => Promise<T>,
  ): Promise<T>;
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  log(message: string): void;
}

export const DOWNLOAD_SPEAKER_MODELS = 'Download Speaker Models…';

/** True when the store lacks a speaker model (what `--diarize` without model files needs). */
export function speakerModelsMissing(list: ModelListResult): boolean {
  const roles = new Set((list.diarization ?? []).filter((m) => !m.problem).map((m) => m.role));
  return !roles.has('segmentation') || !roles.has('embedding');
}

/** The confirmation's text: each model, its size, its licence and how it will be checked. */
export function licenceSummary(plan: DiarizationDownloadResult): { message: string; detail: string } {
  const fresh = plan.files.filter((f) => !f.reused);
  const known = fresh.every((f) => f.size !== undefined);
  const total = fresh.reduce((n, f) => n + (f.size ?? 0), 0);
  const message = `Download the speaker models${known ? ` (${bytesText(total)})` : ''} from ${plan.source}?`;
  const detail = [
    ...plan.files.map(
      (f) =>
        `${f.role === 'segmentation' ? 'Who speaks when' : 'Whose voice'}: ${f.model}${f.size !== undefined ? `, ${bytesText(f.size)}` : ''}` +
        `${f.reused ? ' (already in the store)' : ''}\n  Licence ${f.licence} (${f.licenceSource})\n  ${capital(f.checksumNote)}.`,
    ),
    'By downloading them you accept their licences. They go into the model store shared with the sensevoice command line.',
  ].join('\n\n');
  return { message, detail };
}

export async function downloadSpeakerModels(
  sup: Requester,
  ui: SpeakerModelsUi,
  params: DiarizationDownloadParams = {},
): Promise<DiarizationDownloadResult | undefined> {
  let plan: DiarizationDownloadResult;
  try {
    plan = await sup.request('model/downloadDiarization', { ...params, planOnly: true });
  } catch (err) {
    await explain(err, sup, ui, params);
    return undefined;
  }
  if (plan.alreadyPresent && !params.overwrite) {
    void ui.info('SenseVoice: the speaker models are already in the store.');
    return plan;
  }
  const { message, detail } = licenceSummary(plan);
  if (!(await ui.confirm(message, detail, 'Download'))) return undefined;
  let r: DiarizationDownloadResult;
  try {
    r = await ui.withProgress('SenseVoice: downloading the speaker models', (report, signal) => {
      const steps = new DownloadProgress();
      return sup.request('model/downloadDiarization', params, { signal, onProgress: (p) => report(steps.next(p)) });
    });
  } catch (err) {
    await explain(err, sup, ui, params);
    return undefined;
  }
  ui.log(`speaker models: ${JSON.stringify(r.files.map((f) => [f.role, f.model, f.checksum, f.sha256]))}`);
  for (const n of r.notes) ui.log(n);
  const checked = r.files.every((f) => f.checksum === 'verified' || f.checksum === 'pinned');
  if (checked) void ui.info(`SenseVoice: the speaker models are ready and verified (${r.dir}).`);
  else
    void ui.warn(
      `SenseVoice: the speaker models are ready, but: ${r.files.map((f) => `${f.role}: ${f.checksumNote}`).join('; ')}.`,
    );
  return r;
}

async function explain(
  err: unknown,
  sup: Requester,
  ui: SpeakerModelsUi,
  params: DiarizationDownloadParams,
): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof SenseVoiceError ? err.code : undefined;
  ui.log(`speaker models download failed (${err instanceof SenseVoiceError ? err.codeName : 'error'}): ${message}`);
  if (code === ErrorCode.Cancelled) {
    const c = await ui.info(
      'SenseVoice: speaker models download paused. What was downloaded is kept; resume it any time.',
      'Resume',
    );
    if (c === 'Resume') await downloadSpeakerModels(sup, ui, params);
    return;
  }
  if (code === ErrorCode.ModelExists) {
    if (await ui.confirm(`SenseVoice: ${message}`, '', 'Replace'))
      await downloadSpeakerModels(sup, ui, { ...params, overwrite: true });
    return;
  }
  const other = params.source === 'huggingface' ? 'github' : 'huggingface';
  const c = await ui.error(
    `SenseVoice: ${message}`,
    ...(code === ErrorCode.DownloadFailed || code === ErrorCode.ChecksumMismatch
      ? [`Try ${other === 'github' ? 'GitHub' : 'Hugging Face'}`]
      : []),
  );
  if (c?.startsWith('Try ')) {
    const { mirror: _mirror, ...rest } = params;
    await downloadSpeakerModels(sup, ui, { ...rest, source: other });
  }
}

/**
 * After a transcription came back without speakers: when the store lacks the speaker models, offer
 * them (once per window session; `shown` remembers). The reason is the daemon's, shown as given.
 */
export async function offerSpeakerModels(
  reason: string,
  sup: Requester,
  ui: SpeakerModelsUi,
  shown: { offered: boolean },
): Promise<void> {
  if (shown.offered) return;
  let list: ModelListResult;
  try {
    list = await sup.request('model/list', undefined);
  } catch {
    return;
  }
  if (!speakerModelsMissing(list)) return;
  shown.offered = true;
  const c = await ui.warn(`SenseVoice: the transcript has no speakers. ${reason}`, DOWNLOAD_SPEAKER_MODELS);
  if (c === DOWNLOAD_SPEAKER_MODELS) await downloadSpeakerModels(sup, ui);
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
