// The cli's inference-server commands: `export-server-model` (a Triton model repository for a model
// folder, written by the daemon) and the server lines of `info`.
import path from 'node:path';
import type { DaemonConnection } from '../client/daemonConnection';
import type { InferenceServerCheck } from '../common/protocol';
import { batchStatText } from '../common/gpuCheck/reportMarkdown';

export interface ExportServerOptions {
  modelPath?: string;
  out: string;
  link: boolean;
  instanceKind: 'gpu' | 'cpu';
  instanceCount?: number;
  overwrite: boolean;
  json: boolean;
}

export async function exportServerModelCommand(daemon: DaemonConnection, o: ExportServerOptions): Promise<number> {
  const r = await daemon.request('inferenceServer/export', {
    ...(o.modelPath ? { modelPath: path.resolve(o.modelPath) } : {}),
    out: path.resolve(o.out),
    link: o.link,
    instanceKind: o.instanceKind,
    ...(o.instanceCount !== undefined ? { instanceCount: o.instanceCount } : {}),
    overwrite: o.overwrite,
  });
  for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  if (o.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  }
  process.stdout.write(`Wrote a Triton model repository in ${r.out}:\n`);
  for (const f of r.files) process.stdout.write(`  ${f}\n`);
  process.stdout.write(
    `Encoder: ${r.encoderFile} (${r.linked ? 'linked' : 'copied'}). Serve it with:\n` +
      `  docker run --gpus all --rm -p 8000:8000 -v ${r.out}:/models nvcr.io/nvidia/tritonserver:24.08-py3 tritonserver --model-repository=/models\n` +
      `then transcribe with --endpoint http://<host>:8000 (model name ${r.modelName}).\n`,
  );
  return 0;
}

/** The `info` lines for the inference server, when one is set. */
export function serverInfoRows(c: InferenceServerCheck): [string, string][] {
  if (!c.endpoint) return [];
  const rows: [string, string][] = [
    [
      'Inference server',
      `${c.endpoint} ${c.ready ? `ready, round trip ${c.roundTripMs} ms` : 'not ready'}${c.server ? ` (${c.server})` : ''}`,
    ],
    [
      'Server model',
      `${c.modelName}: ${c.modelReady ? 'ready' : c.modelReady === false ? 'not ready' : 'not checked'}`,
    ],
  ];
  for (const s of c.batchStats ?? []) {
    rows.push(['Server batches', batchStatText(s)]);
  }
  if (c.error) rows.push(['Server error', c.error.message]);
  return rows;
}
