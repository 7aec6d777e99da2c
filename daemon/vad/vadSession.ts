// The VAD model's session, called synchronously. onnxruntime-node's InferenceSession.run defers
// every call to the next turn of the event loop (setImmediate) and checks its arguments in JS first;
// on a model that does 0.04 ms of work a window, that is a third of each call. The package's own
// native binding (onnxruntime-node/dist/binding, typed: "a simple synchronized inference session
// object wrap", the object its run() defers to) runs the same session in place: segmenting the
// benchmark's 2-minute input took 389 ms of CPU instead of 511, probabilities identical to the bit
// (`npx tsx bench/vadCost.ts`). Where a later onnxruntime-node no longer has it, the public API
// serves (test/integration/vadSession.test.ts pins which one this version gets and that both give
// the same probabilities).
import type { InferenceSession, Tensor } from 'onnxruntime-node';

type Ort = typeof import('onnxruntime-node');
type Feeds = Record<string, Tensor>;
type Outputs = Record<string, Tensor>;

interface NativeSession {
  loadModel(modelPath: string, options: InferenceSession.SessionOptions): void;
  run(feeds: Feeds, fetches: Record<string, null>, options: object): Outputs;
  dispose(): void;
}
interface NativeBinding {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

export interface VadSession {
  /** How calls are made: in place through the native binding, or through the public async API. */
  readonly kind: 'native' | 'public';
  /** Runs the model; with `native` the work is done before this returns (the promise is settled). */
  run(feeds: Feeds): Promise<Outputs>;
  release(): Promise<void>;
}

function nativeBinding(): NativeBinding | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const b = require('onnxruntime-node/dist/binding') as Partial<NativeBinding>;
    return typeof b.initOrt === 'function' && typeof b.binding?.InferenceSession === 'function'
      ? (b as NativeBinding)
      : null;
  } catch {
    return null;
  }
}

export async function openVadSession(
  ort: Ort,
  modelPath: string,
  options: InferenceSession.SessionOptions,
  outputs: readonly string[],
  /** `public` skips the binding (tests compare the two). */
  prefer: VadSession['kind'] = 'native',
): Promise<VadSession> {
  const native = prefer === 'native' ? nativeBinding() : null;
  if (!native) {
    const session = await ort.InferenceSession.create(modelPath, options);
    return { kind: 'public', run: (feeds) => session.run(feeds), release: () => session.release() };
  }
  native.initOrt();
  const session = new native.binding.InferenceSession();
  session.loadModel(modelPath, options);
  const fetches = Object.fromEntries(outputs.map((o) => [o, null]));
  return {
    kind: 'native',
    run: (feeds) => Promise.resolve(session.run(feeds, fetches, {})),
    release: async () => session.dispose(),
  };
}
