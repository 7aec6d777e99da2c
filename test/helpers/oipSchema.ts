// Conformance checks for the tests: every Open Inference Protocol body the daemon's client writes or
// reads is validated with ajv against the JSON Schemas in test/fixtures/oip/, written from the
// published KServe v2 REST specification, Triton's binary tensor extension and the Triton statistics
// and model-configuration extensions (the fixtures' README names the sources). Test code only.
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { FIXTURES } from './paths';

const DIR = path.join(FIXTURES, 'oip');
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
for (const f of ['open-inference-rest.schema.json', 'triton-extensions.schema.json']) {
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as object);
}

const cache = new Map<string, ValidateFunction>();
function validator(file: string, definition: string): ValidateFunction {
  const ref = `https://sensevoice.test/oip/${file}#/definitions/${definition}`;
  let v = cache.get(ref);
  if (!v) {
    v = ajv.getSchema(ref);
    if (!v) throw new Error(`no schema ${ref}`);
    cache.set(ref, v);
  }
  return v;
}

/** Problems with `json` as "path: why" lines; empty when it fits. */
function check(file: string, definition: string, json: unknown): string[] {
  const v = validator(file, definition);
  if (v(json)) return [];
  return (v.errors ?? []).map((e) => `$${e.instancePath}: ${e.message ?? e.keyword}`);
}

const REST = 'open-inference-rest.schema.json';
const TRITON = 'triton-extensions.schema.json';

export const validateInferRequest = (json: unknown) => check(REST, 'inference_request', json);
export const validateInferResponse = (json: unknown) => check(REST, 'inference_response', json);
export const validateModelMetadata = (json: unknown) => check(REST, 'metadata_model_response', json);
export const validateServerMetadata = (json: unknown) => check(REST, 'metadata_server_response', json);
export const validateErrorResponse = (json: unknown) => check(REST, 'error_response', json);
export const validateStatistics = (json: unknown) => check(TRITON, 'stats_model_response', json);
export const validateModelConfig = (json: unknown) => check(TRITON, 'model_configuration_response', json);

/** The validator for a GET answer the client parses, by its path; null for bodies the client ignores. */
export function validatorForGet(pathname: string): ((json: unknown) => string[]) | null {
  if (pathname === '/v2') return validateServerMetadata;
  if (/^\/v2\/models(\/[^/]+)?\/stats$/.test(pathname)) return validateStatistics;
  if (/^\/v2\/models\/[^/]+\/config$/.test(pathname)) return validateModelConfig;
  if (/^\/v2\/models\/[^/]+$/.test(pathname)) return validateModelMetadata;
  return null;
}
