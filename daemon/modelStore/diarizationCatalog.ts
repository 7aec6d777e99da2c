// The speaker models `model download --diarization` offers, and where each is published: sherpa-onnx's
// GitHub releases (the segmentation model as a .tar.bz2 holding model.onnx, the embedding models as
// bare .onnx assets) and the Hugging Face copies of the same files. Data only, so tests can point a
// catalogue at a loopback server with their own pins.
//
// Licences, as their publishers state them: pyannote segmentation-3.0 is MIT (the archive carries its
// LICENSE, (c) CNRS); 3D-Speaker's models are Apache-2.0; WeSpeaker's VoxCeleb models follow the
// dataset's CC-BY-4.0 (wespeaker docs/pretrained.md); NVIDIA publishes its TitaNet models as CC-BY-4.0.
import type { DiarizationEmbeddingName } from '../../common/protocol';
import type { FilePin } from './pins';

/** One published speaker model. */
export interface DiarizationModelEntry {
  /** The model's published name. */
  model: string;
  licence: string;
  licenceSource: string;
  github: {
    tag: string;
    asset: string;
    /** For an archive: the member to keep (found by name at any depth). */
    member?: string;
  };
  huggingface: { repo: string; path: string };
  /**
   * A pin of the GitHub asset carried for when GitHub publishes no digest, with where it comes from.
   * Applied only when its size equals the published size (or nothing is published).
   */
  fallbackPin?: FilePin & { statedBy: string };
}

export interface DiarizationCatalog {
  segmentation: DiarizationModelEntry;
  embeddings: Record<DiarizationEmbeddingName, DiarizationModelEntry>;
}

/** Where the sources answer; tests give loopback URLs. */
export interface DiarizationEndpoints {
  /** GitHub's REST API root. */
  githubApi: string;
  /** The root that serves `<owner>/<repo>/releases/download/<tag>/<asset>`. */
  githubDownloads: string;
  /** Hugging Face (HF_ENDPOINT, as huggingface_hub reads it). */
  huggingface: string;
}

/** The repository whose releases hold the models. */
export const SHERPA_REPO = 'k2-fsa/sherpa-onnx';
const SEGMENTATION_TAG = 'speaker-segmentation-models';
/** sherpa-onnx's spelling. */
const EMBEDDING_TAG = 'speaker-recongition-models';
const EMBEDDING_HF_REPO = 'csukuangfj/speaker-embedding-models';

function embedding(asset: string, licence: string, licenceSource: string): DiarizationModelEntry {
  return {
    model: asset.replace(/\.onnx$/, ''),
    licence,
    licenceSource,
    github: { tag: EMBEDDING_TAG, asset },
    huggingface: { repo: EMBEDDING_HF_REPO, path: asset },
  };
}

export const DIARIZATION_CATALOG: DiarizationCatalog = {
  segmentation: {
    model: 'sherpa-onnx-pyannote-segmentation-3-0',
    licence: 'MIT',
    licenceSource: 'pyannote/segmentation-3.0, (c) CNRS (its LICENSE comes in the GitHub archive)',
    github: {
      tag: SEGMENTATION_TAG,
      asset: 'sherpa-onnx-pyannote-segmentation-3-0.tar.bz2',
      member: 'model.onnx',
    },
    huggingface: { repo: 'csukuangfj/sherpa-onnx-pyannote-segmentation-3-0', path: 'model.onnx' },
    fallbackPin: {
      name: 'sherpa-onnx-pyannote-segmentation-3-0.tar.bz2',
      size: 6_958_444,
      sha256: '24615ee884c897d9d2ba09bb4d30da6bb1b15e685065962db5b02e76e4996488',
      statedBy: 'huggingface.co/onemira/pyannote-segmentation-3.0-onnx (a third-party mirror)',
    },
  },
  embeddings: {
    '3dspeaker': embedding(
      '3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx',
      'Apache-2.0',
      '3D-Speaker (modelscope/3D-Speaker), Apache-2.0',
    ),
    wespeaker: embedding(
      'wespeaker_en_voxceleb_resnet34.onnx',
      'CC-BY-4.0',
      'WeSpeaker: VoxCeleb models follow the dataset licence, CC-BY-4.0 (wespeaker docs/pretrained.md)',
    ),
    nemo: embedding('nemo_en_titanet_small.onnx', 'CC-BY-4.0', 'NVIDIA NeMo TitaNet, CC-BY-4.0 as on its model cards'),
  },
};

export function officialEndpoints(env: NodeJS.ProcessEnv = process.env): DiarizationEndpoints {
  return {
    githubApi: 'https://api.github.com',
    githubDownloads: 'https://github.com',
    huggingface: (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, ''),
  };
}
