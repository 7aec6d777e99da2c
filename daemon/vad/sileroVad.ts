// Silero VAD v5 through onnxruntime-node: 512-sample windows at 16 kHz with 64 samples of context
// from the previous window and a recurrent state carried per stream. One session serves every stream.
// The VAD runs 1,875 windows a minute of audio on the daemon's main thread, so each stream keeps its
// input buffer and tensors and passes the model's state tensor straight back instead of allocating
// and copying them per window: on 2 minutes of speech (2 cores, other work running), 0.53-0.63 s of
// CPU against 0.65-0.83 s before (six interleaved runs each in one process), probabilities
// identical to the bit. The benchmark's profile line "our VAD" tracks it (npx tsx bench/run.ts --quick).
import path from 'node:path';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';
import { openVadSession, type VadSession } from './vadSession';

export const VAD_WINDOW = 512;
const CONTEXT = 64;

type Ort = typeof import('onnxruntime-node');
let ortModule: Ort | undefined;
function ort(): Ort {
  // (loaded on first use: the extension host's bundle of common code never pulls the native module)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  ortModule ??= require('onnxruntime-node') as Ort;
  return ortModule;
}

/** The model file shipped beside the daemon bundle (dist/). */
export function defaultVadModelPath(): string {
  return path.join(__dirname, 'silero_vad_v5.onnx');
}

export class SileroVad {
  private readonly sampleRate: OrtTensor;

  private constructor(private readonly session: VadSession) {
    this.sampleRate = new (ort().Tensor)('int64', BigInt64Array.of(16000n), []);
  }

  static async load(modelPath = defaultVadModelPath(), prefer: VadSession['kind'] = 'native'): Promise<SileroVad> {
    try {
      const options = {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      } as const;
      const session = await openVadSession(ort(), modelPath, options, ['output', 'stateN'], prefer);
      return new SileroVad(session);
    } catch (err) {
      throw new SenseVoiceError(
        ErrorCode.ModelInvalid,
        `The voice activity model ${modelPath} could not be loaded (${err instanceof Error ? err.message : String(err)}). Reinstall the extension.`,
      );
    }
  }

  /** A fresh stream: zero state and zero context. */
  createStream(): VadStreamState {
    const { Tensor } = ort();
    const input = new Float32Array(CONTEXT + VAD_WINDOW);
    return {
      input,
      inputTensor: new Tensor('float32', input, [1, CONTEXT + VAD_WINDOW]),
      state: new Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]),
    };
  }

  /** Speech probability of one 512-sample window (shorter windows are zero-padded). */
  async probability(stream: VadStreamState, window: Float32Array): Promise<number> {
    const { input } = stream;
    // The context is the last 64 samples the model saw: the end of the previous window.
    input.copyWithin(0, VAD_WINDOW, CONTEXT + VAD_WINDOW);
    const w = window.subarray(0, VAD_WINDOW);
    input.set(w, CONTEXT);
    if (w.length < VAD_WINDOW) input.fill(0, CONTEXT + w.length);
    const out = await this.session.run({ input: stream.inputTensor, state: stream.state, sr: this.sampleRate });
    stream.state = out.stateN as OrtTensor;
    return ((out.output as OrtTensor).data as Float32Array)[0];
  }

  /** How the model is called (vadSession.ts). */
  get sessionKind(): VadSession['kind'] {
    return this.session.kind;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** One stream's reused buffers: the model reads `input` (context + window) through `inputTensor`. */
export interface VadStreamState {
  input: Float32Array;
  inputTensor: OrtTensor;
  state: OrtTensor;
}
