// The daemon's loaded model: loaded on demand, reused while the folder, provider and threads stay
// the same, replaced (and the old session released) when they change.
import path from 'node:path';
import { ErrorCode, SenseVoiceError, type ProviderSetting } from './protocol';
import { SenseVoiceModel, type LoadModelOptions } from './inference/senseVoiceModel';

export interface ModelRequest {
  dir: string | undefined;
  provider: ProviderSetting;
  threads: number;
}

export class ModelRegistry {
  private current: { key: string; model: Promise<SenseVoiceModel> } | null = null;

  constructor(private readonly loader: (o: LoadModelOptions) => Promise<SenseVoiceModel> = (o) => SenseVoiceModel.load(o)) {}

  get(request: ModelRequest): Promise<SenseVoiceModel> {
    if (!request.dir) {
      throw new SenseVoiceError(
        ErrorCode.ModelNotFound,
        'No model folder is set. Set "sensevoice.modelPath" (or pass --model DIR) to a SenseVoiceSmall model folder in the sherpa-onnx or FunASR layout.',
      );
    }
    const dir = path.resolve(request.dir);
    const key = JSON.stringify([dir, request.provider, request.threads]);
    if (this.current?.key !== key) {
      const previous = this.current?.model;
      const model = this.loader({ dir, provider: request.provider, threads: request.threads });
      this.current = { key, model };
      // A failed load is not kept: the next request tries again (the user may fix the folder).
      model.catch(() => {
        if (this.current?.model === model) this.current = null;
      });
      void previous?.then((m) => m.dispose()).catch(() => undefined);
    }
    return this.current.model;
  }

  async dispose(): Promise<void> {
    const m = this.current?.model;
    this.current = null;
    await m?.then((x) => x.dispose()).catch(() => undefined);
  }
}
