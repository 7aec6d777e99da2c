// The "Show Models" list: one entry per store folder (a folder may hold int8 and fp32; the daemon
// picks between them by provider), the automatic choice, and the actions. No vscode import.
import type { ModelListResult, StoredDiarizationModel, StoredModel } from '../../common/protocol';

export type ModelPick =
  | { kind: 'automatic'; label: string; description: string; detail: string; picked: boolean }
  | {
      kind: 'model';
      label: string;
      description: string;
      detail: string;
      picked: boolean;
      path: string;
      usable: boolean;
    }
  | { kind: 'current'; label: string; description: string; detail: string; picked: true; path: string }
  | { kind: 'download' | 'folder' | 'speakers'; label: string; description: string; detail: string; picked: false };

export function modelPicks(list: ModelListResult): ModelPick[] {
  const configured = list.configured?.path;
  const byFolder = new Map<string, StoredModel[]>();
  for (const m of list.models) byFolder.set(m.path, [...(byFolder.get(m.path) ?? []), m]);
  const picks: ModelPick[] = [];
  picks.push({
    kind: 'automatic',
    label: '$(sparkle) Automatic',
    description: list.fallback
      ? `now: ${list.fallback.path.split(/[\\/]/).pop()} (${list.fallback.variant})`
      : 'no usable model in the store',
    detail: 'No model path set: the best model in the store for the provider (int8 on the CPU, fp32 on a GPU).',
    picked: !configured,
  });
  if (configured && !byFolder.has(configured)) {
    picks.push({
      kind: 'current',
      label: `$(folder) ${configured.split(/[\\/]/).pop()}`,
      description: list.configured?.problem
        ? 'current setting · cannot be used'
        : `current setting · ${list.configured?.layout} · ${list.configured?.variants?.join(' + ')}`,
      detail: list.configured?.problem ?? configured,
      picked: true,
      path: configured,
    });
  }
  for (const [folder, models] of byFolder) {
    const first = models[0]!;
    const problem = models.map((m) => m.problem).find(Boolean);
    const verified = models.every((m) => m.verified);
    const size = models.reduce((n, m) => n + m.sizeBytes, 0);
    picks.push({
      kind: 'model',
      label: `${problem ? '$(error)' : verified ? '$(verified)' : '$(warning)'} ${first.id}`,
      description: `${models.map((m) => m.variant).join(' + ')} · ${first.layout} · ${(size / 1024 / 1024).toFixed(0)} MB`,
      detail:
        problem ??
        `${verified ? 'verified' : 'NOT verified'} · ${first.source === 'url' ? (first.url ?? 'url') : first.source} · ${folder}`,
      picked: folder === configured,
      path: folder,
      usable: !problem,
    });
  }
  picks.push({
    kind: 'download',
    label: '$(cloud-download) Download Model…',
    description: '',
    detail:
      "Into the shared store, verified against the published checksums (or your organisation's pins, SENSEVOICE_MODEL_PINS).",
    picked: false,
  });
  const speakers = list.diarization;
  // A daemon from before the speaker models reports none and cannot download them.
  if (speakers) picks.push(speakerPick(speakers));
  picks.push({
    kind: 'folder',
    label: '$(folder-opened) Use Model Folder…',
    description: '',
    detail: 'A SenseVoiceSmall folder you already have (sherpa-onnx or FunASR layout).',
    picked: false,
  });
  return picks;
}

/** "Download Speaker Models…", saying what the store holds. */
function speakerPick(speakers: StoredDiarizationModel[]): ModelPick {
  const complete = ['segmentation', 'embedding'].every((r) => speakers.some((m) => m.role === r && !m.problem));
  return {
    kind: 'speakers',
    label: '$(person-add) Download Speaker Models…',
    description: complete ? 'in the store' : speakers.length ? 'incomplete' : 'not downloaded',
    detail: complete
      ? `Who said what: ${speakers.map((m) => `${m.model ?? m.role} (${m.licence ?? m.source})`).join(', ')}. Download again to change the voice model.`
      : 'Who said what (speaker diarization): a segmentation model (MIT) and a voice model (Apache-2.0), licences and sizes shown first.',
    picked: false,
  };
}
