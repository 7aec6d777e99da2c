// Inference servers (served by daemon/remote): writing a Triton model repository for a model folder,
// and checking the server the settings name (`sensevoice.inference.endpoint` / `--endpoint`).

/** Parameters of `inferenceServer/export`. */
export interface ExportServerRepositoryParams {
  /** The SenseVoice model folder; the settings' modelPath when absent. */
  modelPath?: string;
  /** The repository folder to write (absolute); created when missing. */
  out: string;
  /** Hard-link the encoder's model.onnx instead of copying it (about 900 MB for fp32); copied when it cannot be linked. */
  link?: boolean;
  /** Instances of each model: `gpu` (default, KIND_GPU) or `cpu` (KIND_CPU). */
  instanceKind?: 'gpu' | 'cpu';
  /** Instances per device (default 1). */
  instanceCount?: number;
  /** Replace the files of an earlier export in `out`; without it, an existing one is refused (ModelExists). */
  overwrite?: boolean;
}

/** What `inferenceServer/export` wrote. */
export interface ExportServerRepositoryResult {
  out: string;
  /** Every file written, relative to `out`. */
  files: string[];
  /** The model name to serve and to set as `sensevoice.inference.modelName`. */
  modelName: string;
  /** The encoder file used (the fp32 one when the folder has it). */
  encoderFile: string;
  linked: boolean;
  /** Notes, e.g. an int8 encoder (slow on GPUs). */
  warnings: string[];
}

/** The answer of `inferenceServer/check` for the endpoint in the settings. */
export interface InferenceServerCheck {
  /** null when no endpoint is set. */
  endpoint: string | null;
  modelName: string;
  /** GET /v2/health/ready answered 200. */
  ready: boolean;
  /** Milliseconds of that round trip. */
  roundTripMs?: number;
  /** The server's name and version, when it says. */
  server?: string;
  /** GET /v2/models/{name}/ready answered 200. */
  modelReady?: boolean;
  /**
   * Per model version (the model and, for an ensemble, its steps), from Triton's statistics extension
   * when the server has it: inferences, runs and their ratio, the batch sizes run (most runs first),
   * and mean queue wait and compute time per request in ms.
   */
  batchStats?: {
    model: string;
    inferences: number;
    executions: number;
    averageBatch: number | null;
    batchSizes: { size: number; runs: number }[];
    queueMs: number | null;
    computeMs: number | null;
  }[];
  /** Why it is not ready, coded, when it is not. */
  error?: { code: number; message: string };
}

/** The inference-server requests. */
export interface InferenceServerRequests {
  /** Client -> daemon: write a Triton model repository (encoder, argmax, ensemble) for a model folder. */
  'inferenceServer/export': { params: ExportServerRepositoryParams; result: ExportServerRepositoryResult };
  /** Client -> daemon: health, round trip, model readiness and batch statistics of the configured server. */
  'inferenceServer/check': { params: undefined; result: InferenceServerCheck };
}
