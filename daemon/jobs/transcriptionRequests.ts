// `transcribe/file`: parameters and settings in, a job on the queue (or a cached transcript) out,
// with each finished segment and the progress sent to the requester as they happen. A diarized
// request whose recognition is cached runs the diarization alone (diarizeRecognised.ts), and so does
// `transcript/rediarize` (rediarizeRequests.ts), on the same queue.
import fs from 'node:fs';
import {
  ErrorCode,
  SenseVoiceError,
  type DiarizationOptions,
  type ProgressParams,
  type SegmentParams,
  type Transcript,
} from '../../common/protocol';
import { optionalBoolean, optionalString, paramObject, requiredString, type ParamObject } from '../rpc/params';
import type { EffectiveSettings } from '../settings';
import { modelRequestFor, type Engine, type ModelRegistry } from '../modelRegistry';
import type { ResolvedFfmpeg } from '../ffmpeg/resolveFfmpeg';
import { checkAudioFile } from '../ffmpeg/decodeAudio';
import { JobQueue, type JobReport } from './jobQueue';
import { TranscriptCache, contentHash, defaultCacheDir } from './transcriptCache';
import { requestOptions, transcriptCacheKey } from './transcriptCacheKey';
import { runTranscription, type TranscriptionOptions } from './runTranscription';
import { SileroVad } from '../vad/sileroVad';
import type { CancellationRegistry } from '../cancellation';
import { modelStoreDir } from '../modelStore/storeLocation';
import { DiarizationModelCache } from '../diarization/diarizationModelStore';
import { SampleChannel } from '../diarization/sampleChannel';
import { SpeakerAnalysisCache } from '../diarization/speakerAnalysisCache';
import {
  analyseSamples,
  applyDiarization,
  diarizationParam,
  planDiarization,
  planKey,
  type DiarizationPlan,
} from './transcriptDiarization';
import { applySpeakerProfiles } from './speakerProfilesParam';
import { diarizeCachedRecognition, type DiarizeAloneDeps } from './diarizeRecognised';
import { REDIARIZE, rediarizeJob, rediarizeParams } from './rediarizeRequests';

export interface TranscriptionRequestsDeps {
  models: ModelRegistry;
  /** Files transcribed at once, across all clients. */
  concurrency: () => number;
  ffmpeg: (settings: EffectiveSettings) => Promise<ResolvedFfmpeg>;
  log: (message: string) => void;
  /** Transcript cache folder; null disables the disk cache. */
  cacheDir?: string | null;
  /** The model store folder, where the diarization models are looked for when a request names none. */
  storeDir?: () => string;
}

/** Of a diarized job's progress bar, the share recognition takes; diarization has the rest. */
const RECOGNITION_SHARE = 0.8;

/** A request's transcription, parsed: what `transcribe/file` and `transcript/rediarize` share. */
interface JobRequest {
  file: string;
  token: string | undefined;
  options: TranscriptionOptions;
  modelPath: string | undefined;
  cachedOnly: boolean;
  diarization: DiarizationOptions | undefined;
  /** `transcript/rediarize`: the diarization of the transcript shown now (its names are kept); the ASR may not run. */
  rediarizeFrom?: DiarizationOptions;
}

/** A finished live recording to transcribe now (`live/stop`). */
export interface RecordingJob {
  file: string;
  options: TranscriptionOptions;
  diarization: DiarizationOptions | undefined;
  engine: Engine;
  ffmpegPath: string;
  threads: number;
  signal: AbortSignal;
  onProgress: (fraction: number, segmentsDone: number, message: string) => void;
}

/** The client a request came from: its settings, its cancellation tokens, and where its notifications go. */
export interface TranscriptionClient {
  id: string;
  settings: EffectiveSettings;
  cancellation: CancellationRegistry;
  progress: (p: ProgressParams) => void;
  segment: (p: SegmentParams) => void;
}

export class TranscriptionRequests {
  readonly queue: JobQueue;
  /** Also read and edited by the requests that change a cached transcript (speakerEditRequests.ts). */
  readonly cache: TranscriptCache;
  private vad: Promise<SileroVad> | null = null;
  private readonly diarizationModels = new DiarizationModelCache();
  /** The last files' speaker analyses: another speaker count re-clusters them without the models. */
  private readonly analyses = new SpeakerAnalysisCache();

  constructor(private readonly d: TranscriptionRequestsDeps) {
    this.queue = new JobQueue(d.concurrency);
    this.cache = new TranscriptCache(d.cacheDir === undefined ? defaultCacheDir() : d.cacheDir);
  }

  /** Serves one client's `transcribe/file`: its settings, its tokens, its notifications; its jobs queue under its name. */
  handle(raw: unknown, client: TranscriptionClient): Promise<Transcript> {
    const m = 'transcribe/file';
    const p = paramObject(raw, m);
    return this.run(
      {
        ...this.common(p, m, client),
        cachedOnly: optionalBoolean(p, 'cachedOnly', m) ?? false,
        diarization: diarizationParam(p, m),
      },
      client,
    );
  }

  /** `transcript/rediarize`: another speaker count on the cached recognition, the shown transcript's names kept. */
  rediarize(raw: unknown, client: TranscriptionClient): Promise<Transcript> {
    const p = paramObject(raw, REDIARIZE);
    const { from, to } = rediarizeParams(p);
    return this.run(
      { ...this.common(p, REDIARIZE, client), cachedOnly: false, diarization: to, rediarizeFrom: from },
      client,
    );
  }

  /**
   * A live recording's diarization checked when it starts: the named or stored models found and
   * loaded (a missing one with `required`, or a broken one, fails now with its coded error).
   */
  async checkDiarization(o: DiarizationOptions, threads: number): Promise<void> {
    await this.planSpeakers(o, threads);
  }

  /**
   * A request's diarization planned (why there are no speakers is logged and returned) and, with
   * `load`, its models loaded: a missing or broken one fails here with its coded error, naming it.
   */
  private async planSpeakers(
    o: DiarizationOptions | undefined,
    threads: number,
    load = true,
  ): Promise<{ plan: DiarizationPlan | null; speakersUnavailable?: string }> {
    const planned = o ? await planDiarization(o, this.storeDir()) : null;
    if (planned && 'unavailable' in planned) {
      this.d.log(planned.unavailable);
      return { plan: null, speakersUnavailable: planned.unavailable };
    }
    const plan = planned?.plan ?? null;
    if (plan && load) await this.diarizationModels.get(plan.files, threads);
    return { plan };
  }

  /**
   * `live/stop`'s final transcript of a finished recording: run at once (not queued behind file jobs,
   * its batches ahead of theirs) on the engine the recording holds, cached and diarized exactly as
   * `transcribe/file` of the file would be (which then answers from the cache).
   */
  async transcribeRecording(r: RecordingJob): Promise<Transcript> {
    let speakers: { plan: DiarizationPlan | null; speakersUnavailable?: string };
    try {
      speakers = await this.planSpeakers(r.diarization, r.threads);
    } catch (e) {
      // The recording is finished by now: a speaker model gone or broken since the start costs the
      // speakers, not the meeting's transcript (unless they were required).
      if (r.diarization?.required || !(e instanceof SenseVoiceError)) throw e;
      const why = `transcript without speakers: ${e.message}`;
      this.d.log(why);
      speakers = { plan: null, speakersUnavailable: why };
    }
    const { plan, speakersUnavailable } = speakers;
    const vad = r.options.vad === 'on' ? await this.loadVad() : null;
    const t = await this.work(
      { signal: r.signal, onSegment: () => undefined, onProgress: r.onProgress },
      {
        abs: r.file,
        file: r.file,
        options: r.options,
        ffmpegPath: r.ffmpegPath,
        engine: r.engine,
        vad,
        cachedOnly: false,
        plan,
        threads: r.threads,
        speakersUnavailable,
        priority: true,
      },
    );
    return applySpeakerProfiles(t, r.diarization);
  }

  private common(p: ParamObject, m: string, client: TranscriptionClient) {
    return {
      file: requiredString(p, 'path', m),
      token: optionalString(p, 'token', m),
      options: requestOptions(p, m, client.settings),
      modelPath: optionalString(p, 'modelPath', m) ?? client.settings.modelPath,
    };
  }

  private async run(r: JobRequest, client: TranscriptionClient): Promise<Transcript> {
    const s = client.settings;
    const { file, token, options, modelPath, cachedOnly, diarization } = r;
    // The token is registered before any setup, so a cancel during model loading counts too.
    return client.cancellation.run(token, async (signal) => {
      const cancelled = () => {
        if (signal.aborted) throw new SenseVoiceError(ErrorCode.Cancelled, 'Cancelled.');
      };
      const abs = await checkAudioFile(file);
      const ffmpeg = await this.d.ffmpeg(s);
      const modelRequest = modelRequestFor(s, modelPath);
      const engine = await this.d.models.get(modelRequest, client.id);
      const vad = options.vad === 'on' && !cachedOnly && !r.rediarizeFrom ? await this.loadVad() : null;
      const st = await fs.promises.stat(abs);
      // Models checked (and loaded) before the job queues: a bad one fails at once, naming the file.
      // (No await without diarization: a plain request reaches the queue in as many steps as before.)
      const { plan, speakersUnavailable } = diarization
        ? await this.planSpeakers(diarization, s.threads, !cachedOnly)
        : { plan: null, speakersUnavailable: undefined };
      // The shown transcript's plan finds its cache entry (its names); its models need not load.
      const shown = r.rediarizeFrom
        ? await planDiarization({ ...r.rediarizeFrom, required: true }, this.storeDir())
        : null;
      const shownPlan = shown && 'plan' in shown ? shown.plan : null;
      cancelled();
      // A cache-only lookup never joins a real run (it must answer at once) nor is joined by one.
      const joinKey = JSON.stringify([
        abs,
        st.size,
        st.mtimeMs,
        engine.info.modelFile,
        engine.info.provider,
        options,
        planKey(plan),
        cachedOnly,
        r.rediarizeFrom ? ['rediarize', planKey(shownPlan)] : null,
      ]);
      const t = await this.queue.run(
        joinKey,
        async (report) => {
          // While this job waited, another client may have asked for another model (one is loaded at
          // a time; the last to ask wins): the job runs on the model it asked for, loaded again if need be.
          const { engine: current, release } = await this.d.models.acquire(modelRequest, client.id);
          try {
            return await this.work(report, {
              abs,
              file,
              options,
              ffmpegPath: ffmpeg.path,
              engine: current,
              vad,
              cachedOnly,
              plan,
              threads: s.threads,
              speakersUnavailable,
              shownPlan: r.rediarizeFrom ? shownPlan : undefined,
            });
          } finally {
            release();
          }
        },
        {
          onSegment: (index, segment) => token && client.segment({ token, index, segment }),
          onProgress: (fraction, segmentsDone, message) =>
            token && client.progress({ token, fraction, segmentsDone, message }),
        },
        signal,
        client.id,
      );
      // Per request, after the shared job: two windows joined on one file may hold other profiles.
      return applySpeakerProfiles(t, diarization);
    });
  }

  /** One job's work: the cache, or a transcription that fills it. */
  private async work(
    report: JobReport,
    j: {
      abs: string;
      file: string;
      options: TranscriptionOptions;
      ffmpegPath: string;
      engine: Engine;
      vad: SileroVad | null;
      cachedOnly: boolean;
      plan: DiarizationPlan | null;
      threads: number;
      speakersUnavailable: string | undefined;
      /** `transcript/rediarize`: the plan of the transcript shown now; the ASR may not run. */
      shownPlan?: DiarizationPlan | null;
      /** Batches ahead of other jobs' (a live recording's final transcript). */
      priority?: boolean;
    },
  ): Promise<Transcript> {
    const { abs, file, options, engine } = j;
    const hash = await contentHash(abs, report.signal);
    const cacheKey = transcriptCacheKey(hash, engine.info, options, j.plan);
    const t0 = performance.now();
    const cached = await this.cache.get(cacheKey);
    if (j.shownPlan !== undefined)
      return rediarizeJob(this.alone(), report, { ...j, shownPlan: j.shownPlan }, hash, cached);
    if (cached) {
      cached.segments.forEach((seg, i) => report.onSegment(i, seg));
      report.onProgress(1, cached.segments.length, 'cached');
      const ms = Math.round(performance.now() - t0);
      return {
        ...cached,
        file,
        cached: true,
        timings: { decodeMs: 0, featuresMs: 0, inferenceMs: 0, totalMs: ms },
        ...(j.speakersUnavailable ? { speakersUnavailable: j.speakersUnavailable } : {}),
      };
    }
    if (j.cachedOnly) {
      throw new SenseVoiceError(
        ErrorCode.NotCached,
        `No cached transcript of ${file} for this model and these settings (the file, the model or a setting changed, or the cache was cleared).`,
      );
    }
    const plan = j.plan;
    if (plan) {
      const recognised = await diarizeCachedRecognition(this.alone(), report, j, hash, plan);
      if (recognised) {
        await this.cache.set(cacheKey, recognised);
        // With a plan, the speakers were available: no speakersUnavailable to add.
        return { ...recognised, file };
      }
    }
    const share = plan ? RECOGNITION_SHARE : 1;
    // Diarized: the decoder's chunks also feed the diarization, which runs alongside the recognition
    // and holds only the current window's samples (the channel makes the decoder wait when it lags).
    const channel = plan ? new SampleChannel() : null;
    const models = plan ? await this.diarizationModels.get(plan.files, j.threads) : null;
    const t1 = performance.now();
    let recognised = false;
    let diarizedFraction = 0;
    const diarizing =
      plan && channel && models
        ? analyseSamples(channel, models, report.signal, (f) => {
            diarizedFraction = f;
            if (recognised) report.onProgress(share + (1 - share) * f * 0.99, 0, 'diarizing');
          })
        : null;
    // Its failure is taken where it is awaited; until then it must not count as unhandled.
    diarizing?.catch(() => undefined);
    let t: Transcript;
    try {
      t = await runTranscription({
        file: abs,
        options,
        ffmpegPath: j.ffmpegPath,
        vad: j.vad!,
        scheduler: engine.scheduler,
        model: engine.info,
        signal: report.signal,
        ...(j.priority ? { priority: true } : {}),
        onSegment: report.onSegment,
        onProgress: (fraction, done, message) =>
          report.onProgress(fraction * share, done, plan && message === 'done' ? 'recognised' : message),
        ...(channel ? { onSamples: (c: Float32Array) => channel.push(c) } : {}),
      });
    } catch (e) {
      channel?.end(e);
      throw e;
    }
    channel?.end();
    if (diarizing && plan) {
      recognised = true;
      const n = t.segments.length;
      report.onProgress(share + (1 - share) * diarizedFraction * 0.99, n, 'diarizing');
      const analysis = await diarizing;
      // The recognition alone is cached too (as a request without diarization would find it), and
      // the analysis kept: another speaker count then runs neither the ASR nor (while kept) the models.
      await this.cache.set(transcriptCacheKey(hash, engine.info, options, null), t);
      this.analyses.set(SpeakerAnalysisCache.key(hash, plan.files), analysis);
      t = await applyDiarization(t, analysis, plan);
      this.d.log(`diarized ${file}: ${t.speakers?.length ?? 0} speaker(s) in ${Math.round(performance.now() - t1)} ms`);
      t = { ...t, timings: { ...t.timings, totalMs: Math.round(performance.now() - t0) } };
      report.onProgress(1, t.segments.length, 'done');
    }
    await this.cache.set(cacheKey, t);
    return { ...t, file, ...(j.speakersUnavailable ? { speakersUnavailable: j.speakersUnavailable } : {}) };
  }

  /** What the diarization alone needs of this object (diarizeRecognised.ts, rediarizeRequests.ts). */
  private alone(): DiarizeAloneDeps {
    return {
      cache: this.cache,
      analyses: this.analyses,
      diarizationModels: this.diarizationModels,
      log: this.d.log,
    };
  }

  private storeDir(): string {
    return this.d.storeDir?.() ?? modelStoreDir();
  }

  private loadVad(): Promise<SileroVad> {
    this.vad ??= SileroVad.load();
    this.vad.catch(() => (this.vad = null));
    return this.vad;
  }

  cancelAll(): void {
    this.queue.cancelAll();
  }
}
