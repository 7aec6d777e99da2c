// Speaker profiles: voices the user named once, so that later recordings show the name. The extension
// keeps them in a workspace file (.vscode/sensevoice-speakers.json) and sends them with each diarized
// `transcribe/file`; the daemon never reads workspace files. A profile is only ever compared with
// voices from the same embedding model (its `model.sha256`): another model's vectors mean nothing here.

/** Which speaker-embedding model made a voice vector: a profile from another model is never compared. */
export interface VoiceModelId {
  /** SHA-256 of the embedding model file (hex). */
  sha256: string;
  /** The file's name, for people reading the profiles file. */
  file: string;
  /** Values per voice vector (the model's output_dim). */
  dim: number;
}

/** One named voice, as kept in the workspace's profiles file and sent to the daemon. */
export interface SpeakerProfile {
  /** The name a recognised speaker gets. */
  name: string;
  /** The embedding model the vectors come from. */
  model: VoiceModelId;
  /** The voice: the normalised mean of the samples it was made from (unit length, `model.dim` values). */
  embedding: number[];
  /** How many samples the mean holds (capped: SPEAKER_PROFILE_MAX_SAMPLES; a newer sample then counts as that share). */
  samples: number;
  /** Voices the user said are not this person ("Not This Person"): a voice nearer to one of them than to `embedding` is not matched. */
  negatives?: number[][];
  /** ISO times. */
  created: string;
  updated: string;
}

/** The workspace file `.vscode/sensevoice-speakers.json`. */
export interface SpeakerProfilesFile {
  /** 1. */
  version: number;
  profiles: SpeakerProfile[];
}

/** A speaker whose voice matched a profile: the profile's name and how close it was. */
export interface RecognisedSpeaker {
  /** The profile's name (the speaker's name shows it unless the user renamed the speaker). */
  profile: string;
  /** Cosine similarity of the speaker's voice and the profile, -1..1. */
  similarity: number;
}

/** Default of `sensevoice.speakers.profileThreshold`: the cosine similarity a voice needs to get a profile's name. */
export const DEFAULT_PROFILE_THRESHOLD = 0.6;
/** Samples a profile's mean holds at most: later ones still move it, by 1 / this. */
export const SPEAKER_PROFILE_MAX_SAMPLES = 20;
/** "Not This Person" voices kept per profile (the newest). */
export const SPEAKER_PROFILE_MAX_NEGATIVES = 20;
/** The profiles file, relative to the workspace folder. */
export const SPEAKER_PROFILES_FILE = '.vscode/sensevoice-speakers.json';
