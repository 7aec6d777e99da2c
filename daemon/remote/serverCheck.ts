// `inferenceServer/check`: what `sensevoice info` and the GPU check show about the inference server the
// settings name: readiness and its round trip, the server's name, whether the model is ready, and the
// server's batching statistics where it exposes them (Triton's statistics extension, for the model and,
// for an ensemble, each step its config names: batch sizes run, queue and compute time). One attempt
// each, a short timeout: a report, not a job, so a down server is an answer (with its coded error),
// never a failure of the request.
import type { InferenceServerCheck } from '../../common/protocol';
import { SenseVoiceError } from '../../common/protocol';
import type { EffectiveSettings } from '../settings';
import { OipClient, type ModelStatistics } from './oipClient';
import { DEFAULT_SERVER_MODEL_NAME } from './serverContract';

export async function checkInferenceServer(s: EffectiveSettings, timeoutMs = 5000): Promise<InferenceServerCheck> {
  const modelName = s.inferenceModelName || DEFAULT_SERVER_MODEL_NAME;
  if (!s.inferenceEndpoint) return { endpoint: null, modelName, ready: false };
  const result: InferenceServerCheck = { endpoint: s.inferenceEndpoint, modelName, ready: false };
  try {
    const client = new OipClient({
      endpoint: s.inferenceEndpoint,
      ...(s.inferenceHeaders ? { headers: s.inferenceHeaders } : {}),
      timeoutMs,
      retries: 0,
    });
    result.endpoint = client.endpoint;
    result.roundTripMs = Math.round(await client.ready());
    result.ready = true;
    const server = await client.serverMetadata().catch(() => ({}) as { name?: string; version?: string });
    if (server.name) result.server = [server.name, server.version].filter(Boolean).join(' ');
    result.modelReady = false;
    await client.modelMetadata(modelName);
    result.modelReady = true;
    // An ensemble runs no code itself: its steps' statistics say how the server batched.
    const config = await client.modelConfig(modelName);
    const steps = (config?.ensemble_scheduling as { step?: { model_name?: unknown }[] } | undefined)?.step ?? [];
    const models = [modelName, ...steps.map((s) => s.model_name).filter((n): n is string => typeof n === 'string')];
    const stats: ModelStatistics[] = [];
    for (const m of new Set(models)) {
      const s = await client.statistics(m);
      if (s === null) break; // no statistics extension
      stats.push(...s);
    }
    if (stats.length > 0) {
      result.batchStats = stats.map((m) => ({
        ...m,
        averageBatch: m.executions > 0 ? Math.round((m.inferences / m.executions) * 100) / 100 : null,
      }));
    }
  } catch (err) {
    const e = err instanceof SenseVoiceError ? err : new SenseVoiceError(0, String(err));
    result.error = { code: e.code, message: e.message };
  }
  return result;
}
