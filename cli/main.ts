// sensevoice: a thin client of the daemon, so everything the extension does can be scripted.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { infoCommand, probeCommand } from './commands';
import { transcribeCommand } from './transcribeCommand';
import { gpuCheckCommand } from './gpuCheckCommand';
import { checkModelArgs, modelCommand } from './modelCommands';
import { parseDiarizationDownload } from './diarizationDownloadCommand';
import { printError, UsageError } from './output';
import { startDaemon } from './spawnDaemon';
import { endpointSettings } from './endpointOptions';
import { exportServerModelCommand } from './serverCommands';
import { daemonCommand } from './daemonCommands';
import { devicesCommand } from './devicesCommand';
import { checkGpuArgs, gpuCommand } from './gpuSetupCommand';
import { recordCommand, recordingFormatOf } from './recordCommand';
import { CAPTURE_FORMATS } from '../common/protocol';
import type { DaemonSettings, DiarizationOptions } from '../common/protocol';
import { EXPORT_FORMAT_IDS, LANGUAGES, MODEL_SOURCES, MODEL_VARIANTS, PROVIDERS, VAD_MODES } from '../common/values';
import type { DaemonConnection } from '../client/daemonConnection';
import { parseSpeakerProfilesFile } from '../common/speakerProfiles/profilesFile';

const USAGE = `Usage: sensevoice <command> [options]

Commands:
  info [--json] [--endpoint URL]
                                versions, ffmpeg, platform and hardware; with --endpoint, the inference
                                server: health, round trip, model readiness, batch statistics
  probe FILE... [--json]        decode files to 16 kHz mono and report duration and source format
  transcribe FILE... [--model DIR] [--language L] [--itn|--no-itn] [--provider P] [--threads N]
             [--vad on|off] [--max-segment S] [--batch N] [--concurrency N]
             [--format json|txt|srt|vtt|md] [--out DIR [--force]] [--no-emoji]
             [--diarize [--segmentation-model FILE --embedding-model FILE] [--speakers N]
              [--cluster-threshold X] [--speaker-names A,B,...]
              [--speaker-profiles FILE [--profile-threshold X]]]
                                transcribe files: language, emotion, event, text and token times;
                                with --diarize, who spoke each segment
  devices [--json] [--input-format F]
                                the capture devices ffmpeg can record from (the names --device takes)
  record [--device NAME] [--duration S] [--out FILE.ogg|FILE.wav] [transcribe's model and format options]
         [transcribe's --diarize options]
                                record a device (Ogg/Opus, or WAV for .wav; never over an existing file;
                                recording-<date>-<time>.ogg here without --out), print segments on stderr
                                as they are spoken, and on --duration or Ctrl-C the recording's transcript
                                (with --diarize, who spoke each segment); lines on stdin: p (pause),
                                r (resume), s (stop)
  gpu-check [--json|--format md] [--model DIR]
                                does the GPU work for this model? providers tried, timing, checklist
                                with fixes; exits 1 when a check fails (always in a private daemon,
                                in this shell's environment)
  gpu setup [--feed URL] [--yes] [--force] [--cuda-libraries [--pypi-feed URL]]
                                Linux x64: fetch the CUDA provider libraries of the bundled ONNX Runtime
                                (nuget.org, or a mirror with --feed), verified against the feed's SHA-512,
                                into a per-user cache and beside the runtime; shows the size, licence,
                                NVIDIA prerequisites and driver check first and asks unless --yes;
                                --cuda-libraries also fetches NVIDIA's CUDA 12 runtime, cuBLAS, cuDNN 9
                                (+ cuFFT, cuRAND, NVRTC, nvJitLink) wheels from PyPI, sha256-checked, into
                                the per-user store that daemons get on LD_LIBRARY_PATH (~1.7 GB, NVIDIA's
                                licences shown first)
  gpu remove                    take the placed libraries and the cache away again
  model download [--source huggingface|github|modelscope | --url URL] [--variant int8|fp32] [--force]
                                download a model into the shared store, verified against the published
                                sha256; resumes an interrupted download (int8 from Hugging Face by default)
  model download --diarization [--source github|huggingface|MIRROR-URL] [--embedding 3dspeaker|wespeaker|nemo]
                                download the speaker models --diarize uses (pyannote segmentation-3.0, MIT;
                                a speaker embedding model, 3D-Speaker Apache-2.0 by default): licences and
                                sizes shown first, checked against the published size and SHA-256 (said
                                plainly where none is published), resumable, into the store's diarization/
  model list [--json]           the models in the store, and which one transcribe uses without --model
  export-server-model [--model DIR] --out REPO [--link] [--cpu] [--instances N] [--force]
                                write a Triton model repository for the model folder: the encoder
                                (dynamic batching, GPU instances), a server-side argmax and the
                                ensemble "sensevoice" joining them; serve it and use --endpoint
  daemon status [--json]        the shared daemon: pid, version, uptime, model, provider, clients, jobs
                                (exits 3 when none runs)
  daemon stop                   stop the shared daemon now (every client's jobs are cancelled)

Options:
  --ffmpeg PATH                 ffmpeg binary to use (else ffmpeg-static's, else ffmpeg on PATH)
  --json                        machine-readable output (one JSON object per line per file)
  --model DIR                   SenseVoiceSmall model folder (sherpa-onnx or FunASR layout); without it,
                                a model from the store (sensevoice model download)
  --language L                  auto (default), zh, en, yue, ja, ko
  --itn, --no-itn               punctuation and digits (default on)
  --ban-emotion-unknown         always pick a real emotion
  --provider P                  auto (default), cpu, cuda, webgpu, dml, coreml
  --endpoint URL                run the model on an Open Inference Protocol server (Triton, KServe):
                                features go there, token ids come back; --model still names the local
                                folder (its tokens and CMVN). A bearer token comes from
                                $SENSEVOICE_INFERENCE_TOKEN or --endpoint-token-file FILE
  --endpoint-model NAME         the model's name on that server (default sensevoice)
  --endpoint-header 'N: V'      an extra HTTP header for that server (repeatable)
  --endpoint-timeout S          seconds one inference request may take (default 60)
  --threads N                   CPU inference threads (0: ONNX Runtime decides)
  --vad on|off                  cut speech with the VAD (default on) or one whole-file segment
  --max-segment S               longest VAD segment in seconds (default 30)
  --batch N                     segments per inference batch (default 4; 1 disables batching)
  --concurrency N               files transcribed at once (default 2)
  --format F                    txt (default), json (one object per line per file), srt, vtt, md
  --out DIR                     write <name>.<format> per file into DIR instead of stdout (record: the
                                recording's file)
  --device NAME                 record: a device from sensevoice devices (default: the system's default input)
  --duration S                  record: stop after S seconds of audio
  --input-format F              record, devices: pulse (Linux default), alsa, avfoundation (macOS), dshow (Windows)
  --force                       with --out, replace existing files; with model download, replace
                                store files SenseVoice did not make; with gpu setup, replace provider
                                libraries it did not place
  --feed URL                    gpu setup: a NuGet v3 service index (a company mirror) instead of nuget.org
  --yes, -y                     gpu setup: download without asking
  --cuda-libraries              gpu setup: also NVIDIA's CUDA libraries into the per-user store
  --pypi-feed URL               gpu setup --cuda-libraries: PyPI's JSON API or a mirror (https://pypi.org/pypi)
                                store files SenseVoice did not make; with export-server-model, replace
                                an earlier export's files
  --link                        export-server-model: hard-link the encoder's model.onnx instead of copying
  --cpu                         export-server-model: CPU instances (KIND_CPU) instead of GPU ones
  --instances N                 export-server-model: model instances per device (default 1)
  --source NAME                 model download from huggingface (default), github or modelscope
  --url URL                     model download from a folder URL, a .onnx URL or a .tar.bz2/.tar.gz archive
  --variant V                   model download int8 (CPU, default) or fp32 (GPU)
  --diarization                 model download: the speaker models instead of the ASR model
  --embedding NAME              model download --diarization: 3dspeaker (default), wespeaker or nemo
  --no-emoji                    no event/emotion emoji in txt, srt, vtt and md
  --diarize                     say who spoke (speaker diarization): every segment gets a speaker, json
                                gains speakers and turns, md reads "**Speaker 1** [0:03]: ...", srt and
                                vtt name the speaker; without the model options, the store's
                                diarization/segmentation.onnx and diarization/embedding.onnx
  --segmentation-model FILE     a pyannote segmentation model (sherpa-onnx export) for --diarize
  --embedding-model FILE        a 3D-Speaker or WeSpeaker speaker embedding model (sherpa-onnx export)
  --speakers N                  exactly N speakers (default 0: found automatically)
  --cluster-threshold X         automatic speaker count: voices closer than X (cosine distance, default
                                0.5) are one speaker; higher, fewer speakers
  --speaker-names A,B,...       names for the speakers in order of first appearance (S1, S2, ...)
  --speaker-profiles FILE       name the voices remembered in FILE (a workspace's
                                .vscode/sensevoice-speakers.json): a speaker whose voice is close enough to
                                one gets its name (--speaker-names, when given, wins)
  --profile-threshold X         the cosine similarity a voice needs to get a profile's name (default 0.6)
  --verbose                     show the daemon's log on stderr (with --stdio) or how it was reached
  --stdio                       a private daemon for this command only, over stdio, instead of the
                                shared per-user one (for sandboxes and setups where sockets fail)
  --idle-minutes N              minutes a shared daemon started by this command waits for new work
                                before it exits (default 5)
  -h, --help                    this help
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      ffmpeg: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      model: { type: 'string' },
      language: { type: 'string' },
      itn: { type: 'boolean' },
      'no-itn': { type: 'boolean' },
      'ban-emotion-unknown': { type: 'boolean' },
      provider: { type: 'string' },
      endpoint: { type: 'string' },
      'endpoint-model': { type: 'string' },
      'endpoint-header': { type: 'string', multiple: true },
      'endpoint-timeout': { type: 'string' },
      'endpoint-token-file': { type: 'string' },
      link: { type: 'boolean', default: false },
      cpu: { type: 'boolean', default: false },
      instances: { type: 'string' },
      threads: { type: 'string' },
      vad: { type: 'string' },
      'max-segment': { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
      'no-emoji': { type: 'boolean', default: false },
      source: { type: 'string' },
      url: { type: 'string' },
      variant: { type: 'string' },
      stdio: { type: 'boolean', default: false },
      'idle-minutes': { type: 'string' },
      device: { type: 'string' },
      duration: { type: 'string' },
      'input-format': { type: 'string' },
      diarize: { type: 'boolean', default: false },
      'segmentation-model': { type: 'string' },
      'embedding-model': { type: 'string' },
      speakers: { type: 'string' },
      'cluster-threshold': { type: 'string' },
      'speaker-names': { type: 'string' },
      'speaker-profiles': { type: 'string' },
      'profile-threshold': { type: 'string' },
      feed: { type: 'string' },
      'cuda-libraries': { type: 'boolean', default: false },
      'pypi-feed': { type: 'string' },
      yes: { type: 'boolean', short: 'y', default: false },
      diarization: { type: 'boolean', default: false },
      embedding: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const settings: DaemonSettings = {
    ffmpegPath: values.ffmpeg,
    modelPath: values.model,
    provider: oneOf(values.provider, PROVIDERS, '--provider'),
    threads: values.threads === undefined ? undefined : wholeNumber(values.threads, '--threads'),
    language: oneOf(values.language, LANGUAGES, '--language'),
    itn: values['no-itn'] ? false : values.itn,
    banEmotionUnknown: values['ban-emotion-unknown'],
    vad: oneOf(values.vad, VAD_MODES, '--vad'),
    maxSegmentSec:
      values['max-segment'] === undefined ? undefined : boundedNumber(values['max-segment'], '--max-segment', 1, 60),
    batchSize: values.batch === undefined ? undefined : wholeNumber(values.batch, '--batch', 1, 64),
    concurrency: values.concurrency === undefined ? undefined : wholeNumber(values.concurrency, '--concurrency', 1, 16),
    ...endpointSettings({
      endpoint: values.endpoint,
      model: values['endpoint-model'],
      headers: values['endpoint-header'],
      timeout: values['endpoint-timeout'],
      tokenFile: values['endpoint-token-file'],
    }),
  };
  if (values.itn && values['no-itn']) throw new UsageError('--itn and --no-itn contradict each other.');
  const format = oneOf(values.format, EXPORT_FORMAT_IDS, '--format') ?? (values.json ? 'json' : 'txt');
  const idleMinutes =
    values['idle-minutes'] === undefined
      ? undefined
      : boundedNumber(values['idle-minutes'], '--idle-minutes', 0.01, 1440);
  const run = async (fn: (d: DaemonConnection) => Promise<number>, privateDaemon = false) => {
    const daemon = await startDaemon(settings, {
      stdio: privateDaemon || (values.stdio ?? false),
      verbose: values.verbose ?? false,
      idleMinutes,
    });
    try {
      return await fn(daemon);
    } finally {
      await daemon.dispose();
    }
  };
  switch (command) {
    case 'info':
      return run((d) => infoCommand(d, values.json ?? false, settings.inferenceEndpoint !== undefined));
    case 'export-server-model':
      if (!values.out) throw new UsageError('export-server-model needs --out REPO.');
      return run((d) =>
        exportServerModelCommand(d, {
          modelPath: values.model,
          out: values.out!,
          link: values.link ?? false,
          instanceKind: values.cpu ? 'cpu' : 'gpu',
          instanceCount:
            values.instances === undefined ? undefined : wholeNumber(values.instances, '--instances', 1, 64),
          overwrite: values.force ?? false,
          json: values.json ?? false,
        }),
      );
    case 'probe':
      if (rest.length === 0) throw new UsageError('probe needs at least one FILE.');
      return run((d) => probeCommand(d, rest, values.json ?? false));
    case 'transcribe': {
      if (rest.length === 0) throw new UsageError('transcribe needs at least one FILE.');
      const diarization = diarizationOptions(values);
      return run((d) =>
        transcribeCommand(d, {
          files: rest,
          modelPath: values.model,
          language: settings.language,
          itn: settings.itn,
          vad: settings.vad,
          maxSegmentSec: settings.maxSegmentSec,
          format,
          outDir: values.out,
          force: values.force ?? false,
          emoji: !values['no-emoji'],
          verbose: values.verbose ?? false,
          ...diarization,
        }),
      );
    }
    case 'gpu-check':
      // Always a private daemon: the check is of this shell's environment (drivers, library paths),
      // which a shared daemon started earlier may not have; it also never disturbs the shared model.
      return run(
        (d) =>
          gpuCheckCommand(d, {
            format: format === 'json' ? 'json' : format === 'md' ? 'markdown' : 'text',
            modelPath: values.model,
            quick: false,
            progress: process.stderr.isTTY === true,
          }),
        true,
      );
    case 'model': {
      const diarization = values.diarization
        ? parseDiarizationDownload({
            ...(values.source !== undefined ? { source: values.source } : {}),
            ...(values.embedding !== undefined ? { embedding: values.embedding } : {}),
            ...(values.url !== undefined ? { url: values.url } : {}),
            ...(values.variant !== undefined ? { variant: values.variant } : {}),
          })
        : undefined;
      if (!diarization && values.embedding !== undefined)
        throw new UsageError('--embedding goes with model download --diarization.');
      const options = {
        json: values.json ?? false,
        source: diarization ? undefined : oneOf(values.source, MODEL_SOURCES, '--source'),
        url: values.url,
        variant: oneOf(values.variant, MODEL_VARIANTS, '--variant'),
        force: values.force ?? false,
        ...(diarization ? { diarization } : {}),
      };
      checkModelArgs(rest, options);
      return run((d) => modelCommand(d, rest, options));
    }
    case 'devices':
      if (rest.length > 0) throw new UsageError('devices takes no arguments. See sensevoice --help.');
      return run((d) =>
        devicesCommand(d, {
          json: values.json ?? false,
          inputFormat: oneOf(values['input-format'], CAPTURE_FORMATS, '--input-format'),
        }),
      );
    case 'record': {
      if (rest.length > 0) throw new UsageError('record takes no FILE (use --out FILE). See sensevoice --help.');
      const options = {
        device: values.device,
        inputFormat: oneOf(values['input-format'], CAPTURE_FORMATS, '--input-format'),
        durationSec:
          values.duration === undefined ? undefined : boundedNumber(values.duration, '--duration', 0.1, 86_400),
        out: values.out,
        modelPath: values.model,
        language: settings.language,
        itn: settings.itn,
        vad: settings.vad,
        maxSegmentSec: settings.maxSegmentSec,
        format,
        emoji: !values['no-emoji'],
        ...diarizationOptions(values),
      };
      recordingFormatOf(options.out);
      return run((d) => recordCommand(d, options));
    }
    case 'gpu': {
      checkGpuArgs(rest);
      if (values['pypi-feed'] !== undefined && !values['cuda-libraries'])
        throw new UsageError('--pypi-feed is where --cuda-libraries fetches from: give both, or neither.');
      const options = {
        json: values.json ?? false,
        feedUrl: values.feed,
        cudaLibraries: values['cuda-libraries'] ?? false,
        pypiFeedUrl: values['pypi-feed'],
        yes: values.yes ?? false,
        force: values.force ?? false,
      };
      // A private daemon, like gpu-check: the driver check is of this shell's environment, and the
      // libraries go beside the runtime this installation's daemon loads.
      return run((d) => gpuCommand(d, rest, options), true);
    }
    case 'daemon':
      return daemonCommand(rest, values.json ?? false, values.verbose ?? false);
    default:
      throw new UsageError(`unknown command "${command}". Run sensevoice --help.`);
  }
}

/** --diarize and its options, checked: the options without --diarize are a usage error. */
function diarizationOptions(values: {
  diarize?: boolean;
  'segmentation-model'?: string;
  'embedding-model'?: string;
  speakers?: string;
  'cluster-threshold'?: string;
  'speaker-names'?: string;
  'speaker-profiles'?: string;
  'profile-threshold'?: string;
}): { diarization?: DiarizationOptions; speakerNames?: string[] } {
  const flags = [
    'segmentation-model',
    'embedding-model',
    'speakers',
    'cluster-threshold',
    'speaker-names',
    'speaker-profiles',
    'profile-threshold',
  ] as const;
  const given = flags.filter((f) => values[f] !== undefined);
  if (!values.diarize) {
    if (given.length > 0) throw new UsageError(`--${given[0]} needs --diarize. See sensevoice --help.`);
    return {};
  }
  const names = values['speaker-names']?.split(',').map((n) => n.trim());
  return {
    diarization: {
      segmentationModel: values['segmentation-model'],
      embeddingModel: values['embedding-model'],
      numSpeakers: values.speakers === undefined ? undefined : wholeNumber(values.speakers, '--speakers', 0, 100),
      threshold:
        values['cluster-threshold'] === undefined
          ? undefined
          : boundedNumber(values['cluster-threshold'], '--cluster-threshold', 0, 2),
      required: true,
      ...speakerProfileOptions(values['speaker-profiles'], values['profile-threshold']),
    },
    ...(names ? { speakerNames: names } : {}),
  };
}

/** --speaker-profiles FILE read and checked here (the daemon reads no such file itself), and --profile-threshold. */
function speakerProfileOptions(
  file: string | undefined,
  threshold: string | undefined,
): Pick<DiarizationOptions, 'profiles' | 'profileThreshold'> {
  if (file === undefined) {
    if (threshold !== undefined) throw new UsageError('--profile-threshold needs --speaker-profiles FILE.');
    return {};
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--speaker-profiles: cannot read ${file} (${(e as Error).message}).`);
  }
  let profiles;
  try {
    profiles = parseSpeakerProfilesFile(text, file).profiles;
  } catch (e) {
    throw new UsageError(`--speaker-profiles: ${(e as Error).message}`);
  }
  return {
    profiles,
    ...(threshold !== undefined ? { profileThreshold: boundedNumber(threshold, '--profile-threshold', -1, 1) } : {}),
  };
}

function oneOf<T extends string>(v: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${v}"). See sensevoice --help.`);
  return v as T;
}

function wholeNumber(v: string, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max} (got "${v}"). See sensevoice --help.`);
  return n;
}

function boundedNumber(v: string, flag: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag} takes a number from ${min} to ${max} (got "${v}"). See sensevoice --help.`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError ? err : parseArgsUsage(err);
    printError(usage ?? err);
    process.exitCode = usage ? 2 : 1;
  },
);

/** node:util parseArgs' complaints (unknown option, missing or unexpected value) as one usage line. */
function parseArgsUsage(err: unknown): UsageError | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new UsageError(`unknown option ${option ?? ''}. See sensevoice --help.`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message))
    return new UsageError(`${option ?? 'an option'} needs a value. See sensevoice --help.`);
  return new UsageError(`${message.split('\n')[0]} See sensevoice --help.`);
}
