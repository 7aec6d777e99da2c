// The cli's inference-server options: --endpoint and its model name, timeout and headers. A bearer
// token never goes on the command line (shell history, ps): it comes from SENSEVOICE_INFERENCE_TOKEN
// or from a file named by --endpoint-token-file.
import fs from 'node:fs';
import type { DaemonSettings } from '../common/protocol';
import { UsageError } from './output';

export const TOKEN_ENV = 'SENSEVOICE_INFERENCE_TOKEN';

export interface EndpointArgs {
  endpoint?: string;
  model?: string;
  timeout?: string;
  tokenFile?: string;
  headers?: string[];
}

/** The settings these options give; none when --endpoint is absent (the model runs in the daemon). */
export function endpointSettings(a: EndpointArgs, env: NodeJS.ProcessEnv = process.env): DaemonSettings {
  if (!a.endpoint) {
    const stray = a.model ?? a.timeout ?? a.tokenFile ?? a.headers?.[0];
    if (stray !== undefined) throw new UsageError('The --endpoint-* options need --endpoint URL.');
    return {};
  }
  if (!/^https?:\/\/[^/]/i.test(a.endpoint)) {
    throw new UsageError(`--endpoint must be an http:// or https:// URL, not "${a.endpoint}".`);
  }
  const headers: Record<string, string> = {};
  for (const h of a.headers ?? []) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(h);
    if (!m) throw new UsageError(`--endpoint-header takes "Name: value", not "${h}".`);
    headers[m[1]!] = m[2]!;
  }
  let token = env[TOKEN_ENV]?.trim();
  if (a.tokenFile) {
    try {
      token = fs.readFileSync(a.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`--endpoint-token-file ${a.tokenFile}: ${(err as Error).message}`);
    }
    if (!token) throw new UsageError(`--endpoint-token-file ${a.tokenFile} is empty.`);
  }
  if (token) headers.Authorization = `Bearer ${token}`;
  let timeout: number | undefined;
  if (a.timeout !== undefined) {
    timeout = Number(a.timeout);
    if (!(timeout > 0 && timeout <= 600)) throw new UsageError('--endpoint-timeout takes seconds between 0 and 600.');
  }
  return {
    inferenceEndpoint: a.endpoint,
    ...(a.model ? { inferenceModelName: a.model } : {}),
    ...(Object.keys(headers).length > 0 ? { inferenceHeaders: headers } : {}),
    ...(timeout !== undefined ? { inferenceTimeoutSec: timeout } : {}),
  };
}
