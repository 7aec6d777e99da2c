// "SenseVoice: Download Model": pick a source (the daemon's list) and a variant (the GPU check's
// advice first), then download with a cancellable progress notification. The daemon verifies,
// resumes and stores; this file only asks and reports.
import * as vscode from 'vscode';
import {
  ErrorCode,
  SenseVoiceError,
  type GpuReport,
  type ModelDownloadParams,
  type ModelDownloadResult,
  type ModelSourceName,
  type ModelVariant,
} from '../../common/protocol';
import type { DaemonSupervisor } from '../daemonSupervisor';
import { daemonSettings } from '../config';
import { downloadFailureText } from './downloadFailure';
import { DownloadProgress } from './downloadProgress';
import { adviseVariant, VARIANT_LABELS, type VariantAdvice } from './variantChoice';
import { markModelReady, setModelPath } from './walkthrough';

export interface DownloadArgs {
  source?: ModelSourceName;
  url?: string;
  variant?: ModelVariant;
}

/** The GPU check times a small model on each provider; past this the CPU model is offered first. */
const GPU_CHECK_LIMIT_MS = 20_000;

/** The seam to the GPU check: fp32 only when `gpu/diagnose` finds a GPU provider that works. */
export async function recommendVariant(sup: DaemonSupervisor, log: vscode.LogOutputChannel): Promise<VariantAdvice> {
  const provider = daemonSettings().provider ?? 'auto';
  if (provider === 'cpu') return adviseVariant(provider, null);
  let report: GpuReport | null = null;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), GPU_CHECK_LIMIT_MS);
  try {
    report = await sup.request('gpu/diagnose', {}, { signal: ac.signal });
  } catch (err) {
    log.warn(`GPU check for the model variant failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  clearTimeout(timer);
  return adviseVariant(provider, report);
}

export async function downloadModelFlow(
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
  args: DownloadArgs = {},
  overwrite = false,
): Promise<ModelDownloadResult | undefined> {
  const advice = args.variant ? undefined : recommendVariant(sup, log);
  let { source, url } = args;
  if (!source && !url) {
    const list = await sup.request('model/list', undefined);
    type Item = vscode.QuickPickItem & { source?: ModelSourceName; custom?: true };
    const items: Item[] = [
      ...list.sources.map((s, i) => ({
        label: sourceTitle(s.name) + (i === 0 ? ' (recommended)' : ''),
        detail: s.description,
        description: s.variants.join(' · '),
        source: s.name,
      })),
      {
        label: '$(link) Enter a URL…',
        detail:
          "A mirror or your own export: a folder, a .onnx file or a .tar.bz2 archive. Verified when it matches a published checksum or your organisation's pins (SENSEVOICE_MODEL_PINS).",
        custom: true,
      },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'SenseVoice: download the model from',
      placeHolder: `Stored in ${list.store}, shared with the sensevoice command line`,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.custom) {
      url = await vscode.window.showInputBox({
        title: 'SenseVoice: model URL',
        prompt:
          'http(s) URL of a model folder (ending in /), a .onnx file (its tokens.txt is fetched from beside it) or a .tar.bz2 / .tar.gz archive',
        ignoreFocusOut: true,
        validateInput: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? undefined : 'An http:// or https:// URL'),
      });
      if (!url) return undefined;
      url = url.trim();
    } else source = pick.source;
  }
  let variant = args.variant;
  if (!variant) {
    const offered: ModelVariant[] = source === 'modelscope' ? ['int8'] : ['int8', 'fp32'];
    if (offered.length === 1) variant = offered[0];
    else {
      const a = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'SenseVoice: checking for a working GPU…' },
        () => advice!,
      );
      const order = a.variant === 'fp32' ? (['fp32', 'int8'] as const) : (['int8', 'fp32'] as const);
      const pick = await vscode.window.showQuickPick(
        order.map((v) => ({
          label: `${VARIANT_LABELS[v].label}${v === a.variant ? ' (recommended)' : ''}`,
          description: `${VARIANT_LABELS[v].use}, ${VARIANT_LABELS[v].size}`,
          detail: v === a.variant ? `Recommended because ${a.why}.` : undefined,
          variant: v,
        })),
        { title: 'SenseVoice: which model?', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      variant = pick.variant;
    }
  }
  const params: ModelDownloadParams = {
    ...(source ? { source } : {}),
    ...(url ? { url } : {}),
    variant,
    ...(overwrite ? { overwrite } : {}),
  };
  return runDownload(sup, log, params);
}

async function runDownload(
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
  params: ModelDownloadParams,
): Promise<ModelDownloadResult | undefined> {
  let result: ModelDownloadResult;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `SenseVoice: downloading the ${params.variant} model`,
        cancellable: true,
      },
      (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        const steps = new DownloadProgress();
        return sup.request('model/download', params, {
          signal: ac.signal,
          onProgress: (p) => progress.report(steps.next(p)),
        });
      },
    );
  } catch (err) {
    await explainFailure(err, sup, log, params);
    return undefined;
  }
  log.info(
    `model download: ${JSON.stringify({ path: result.path, verified: result.verified, files: result.files.map((f) => [f.name, f.sha256, f.verified]) })}`,
  );
  for (const n of result.notes) log.info(n);
  await markModelReady(true);
  const configured = daemonSettings().modelPath;
  const actions =
    configured && configured !== result.path ? ['Use It Now', 'Transcribe a File…'] : ['Transcribe a File…'];
  const where = `${result.layout}, ${result.variant}, in ${result.path}`;
  const shown = result.verified
    ? vscode.window.showInformationMessage(
        `SenseVoice: the model is ${result.alreadyPresent ? 'already in the store' : 'ready'} and verified (${where}).${configured && configured !== result.path ? ` The sensevoice.modelPath setting still points at ${configured}.` : ''}`,
        ...actions,
      )
    : vscode.window.showWarningMessage(
        `SenseVoice: the model is ready but NOT verified (${where}). ${result.notes.join(' ')}`,
        ...actions,
      );
  void shown.then(async (choice) => {
    if (choice === 'Use It Now') await setModelPath(result.path);
    if (choice === 'Transcribe a File…') await vscode.commands.executeCommand('sensevoice.transcribe');
  });
  return result;
}

async function explainFailure(
  err: unknown,
  sup: DaemonSupervisor,
  log: vscode.LogOutputChannel,
  params: ModelDownloadParams,
): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof SenseVoiceError ? err.code : undefined;
  log.error(`model download failed (${err instanceof SenseVoiceError ? err.codeName : 'error'}): ${message}`);
  if (code === ErrorCode.Cancelled) {
    void vscode.window
      .showInformationMessage(
        'SenseVoice: download paused. What was downloaded is kept: run "SenseVoice: Download Model" again to resume.',
        'Resume',
      )
      .then((c) => {
        if (c === 'Resume') void runDownload(sup, log, params);
      });
    return;
  }
  if (code === ErrorCode.ModelExists) {
    const c = await vscode.window.showWarningMessage(`SenseVoice: ${message}`, { modal: true }, 'Replace');
    if (c === 'Replace') await runDownload(sup, log, { ...params, overwrite: true });
    return;
  }
  const actions =
    code === ErrorCode.DownloadFailed || code === ErrorCode.ChecksumMismatch
      ? ['Try Another Source…', 'Show Logs']
      : ['Show Logs'];
  const c = await vscode.window.showErrorMessage(downloadFailureText(err), ...actions);
  if (c === 'Try Another Source…') await downloadModelFlow(sup, log, { variant: params.variant });
  if (c === 'Show Logs') log.show();
}

function sourceTitle(name: ModelSourceName): string {
  return name === 'huggingface'
    ? '$(cloud-download) Hugging Face'
    : name === 'github'
      ? '$(github) GitHub release'
      : '$(globe) ModelScope';
}
