// From the diarization's result (cluster numbers) to the transcript's speakers: stable ids "S1",
// "S2", … in order of first appearance, default names "Speaker 1", …, each one's talk time, and the
// segments aligned to the turns. The ids are what segments and turns refer to; names live only in
// `speakers`, so renaming one entry renames the speaker everywhere. Each speaker keeps its voice (the
// cluster's mean embedding), which speaker profiles are matched against.
import type { SpeakerTurn, Transcript, TranscriptSpeaker, VoiceModelId } from '../../common/protocol';
import { compactVoice } from '../../common/voiceVectors';
import { alignSpeakers, talkTime } from './alignSpeakers';

/** A turn as diarize() returns it: seconds, and the cluster index. */
export interface ClusterTurn {
  start: number;
  end: number;
  speaker: number;
}

const ms = (sec: number) => Math.round(sec * 1000) / 1000;

/** The turns with speaker ids (by first appearance) and the speakers they name. */
export function labelTurns(
  turns: readonly ClusterTurn[],
  voices: ReadonlyMap<number, ArrayLike<number>> = new Map(),
): { turns: SpeakerTurn[]; speakers: TranscriptSpeaker[] } {
  const sorted = [...turns].sort((a, b) => a.start - b.start || a.speaker - b.speaker);
  const idOf = new Map<number, string>();
  for (const t of sorted) if (!idOf.has(t.speaker)) idOf.set(t.speaker, `S${idOf.size + 1}`);
  const labelled = sorted.map((t) => ({ start: ms(t.start), end: ms(t.end), speaker: idOf.get(t.speaker) as string }));
  const speakers = [...idOf].map(([cluster, id], i) => {
    const voice = voices.get(cluster);
    return {
      id,
      name: `Speaker ${i + 1}`,
      talkSec: ms(talkTime(labelled, id)),
      ...(voice ? { voice: compactVoice(voice) } : {}),
    };
  });
  return { turns: labelled, speakers };
}

/** The transcript with speakers on its segments, its `speakers` (with their voices, by `voiceModel`) and its `turns`. */
export function withSpeakers(
  t: Transcript,
  clusterTurns: readonly ClusterTurn[],
  voices?: { byCluster: ReadonlyMap<number, ArrayLike<number>>; model: VoiceModelId },
): Transcript {
  const { turns, speakers } = labelTurns(clusterTurns, voices?.byCluster);
  const { speakersUnavailable: _none, ...rest } = t;
  return {
    ...rest,
    segments: alignSpeakers(t.segments, turns),
    speakers,
    ...(voices && speakers.some((s) => s.voice) ? { voiceModel: voices.model } : {}),
    turns,
  };
}
