// Silero VAD v5 through onnxruntime-node: 512-sample windows at 16 kHz with 64 samples of context
// from the previous window and a recurrent state carried per stream. One session serves every stream.
import path from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

export const VAD_WINDOW = 512;
const CONTEXT = 64;

/** The model file shipped beside the daemon bundle (dist/). */
export function defaultVadModelPath(): string {
  return path.join(__dirname, 'silero_vad_v5.onnx');
}

export class SileroVad {
  private constructor(private readonly session: InferenceSession) {}

  static async load(modelPath = defaultVadModelPath()): Promise<SileroVad> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
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
    return { state: new Float32Array(2 * 128), context: new Float32Array(CONTEXT) };
  }

  /** Speech probability of one 512-sample window (shorter windows are zero-padded). */
  async probability(stream: VadStreamState, window: Float32Array): Promise<number> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tensor } = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const input = new Float32Array(CONTEXT + VAD_WINDOW);
    input.set(stream.context, 0);
    input.set(window.subarray(0, VAD_WINDOW), CONTEXT);
    const out = await this.session.run({
      input: new Tensor('float32', input, [1, CONTEXT + VAD_WINDOW]),
      state: new Tensor('float32', stream.state, [2, 1, 128]),
      sr: new Tensor('int64', BigInt64Array.of(16000n), []),
    });
    stream.state = new Float32Array((out.stateN as OrtTensor).data as Float32Array);
    stream.context = input.slice(input.length - CONTEXT);
    return ((out.output as OrtTensor).data as Float32Array)[0];
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

export interface VadStreamState {
  state: Float32Array;
  context: Float32Array;
}
