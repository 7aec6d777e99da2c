// The program the GPU check runs in a child process (`node -e`): it creates ONNX Runtime sessions
// and runs them, one job per stdin line, one JSON result per stdout line. A child, because
// onnxruntime writes the detail of a provider failure ("libcudnn.so.9: cannot open shared object
// file") to the process's stderr, not into the error it throws; because a broken GPU stack can crash
// the process that touches it; and because session.run blocks its thread, which would stall the
// daemon's other requests. Plain JavaScript in a string so the daemon bundle needs no extra file.

/**
 * Written to stderr before each job ("<marker>start <id>") and after it ("<marker>end <id>"), so the
 * parent can tell which job a log line belongs to and knows it has read all of a job's log.
 */
export const JOB_MARKER = '@@sensevoice-gpu-check-job ';

export const SESSION_WORKER_SCRIPT = String.raw`
'use strict';
const ort = require(process.env.SENSEVOICE_ORT_PATH);
const readline = require('node:readline');
const MARKER = ${JSON.stringify(JOB_MARKER)};
function toTensor(f) {
  const buf = Buffer.from(f.base64, 'base64');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = f.type === 'float32' ? new Float32Array(ab) : f.type === 'int32' ? new Int32Array(ab) : new BigInt64Array(ab);
  return new ort.Tensor(f.type, data, f.dims);
}
async function runJob(job) {
  process.stderr.write('\n' + MARKER + 'start ' + job.id + '\n');
  const out = { id: job.id, ok: false, runMs: [] };
  let session = null;
  const t0 = performance.now();
  try {
    const model = job.model.path !== undefined ? job.model.path : new Uint8Array(Buffer.from(job.model.base64, 'base64'));
    session = await ort.InferenceSession.create(model, job.options);
    out.createMs = performance.now() - t0;
    const feeds = {};
    for (const f of job.feeds) feeds[f.name] = toTensor(f);
    for (let r = 0; r < job.runs; r++) {
      const t = performance.now();
      const result = await session.run(feeds);
      out.runMs.push(performance.now() - t);
      if (r === 0) {
        out.outputs = {};
        for (const [name, v] of Object.entries(result)) {
          out.outputs[name] = { dims: Array.from(v.dims, Number), values: v.size <= 64 ? Array.from(v.data, Number) : undefined };
        }
      }
    }
    out.ok = true;
  } catch (err) {
    out.error = err && typeof err.message === 'string' ? err.message : String(err);
    out.failedAfterMs = performance.now() - t0;
  } finally {
    if (session) await session.release().catch(() => undefined);
  }
  process.stderr.write('\n' + MARKER + 'end ' + job.id + '\n');
  process.stdout.write(JSON.stringify(out) + '\n');
}
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(() => runJob(JSON.parse(line)));
});
lines.on('close', () => {
  queue.then(() => process.exit(0));
});
`;
