// Checks of request parameters: a wrong type is the client's fault, answered with InvalidParams.
import { ErrorCode, SenseVoiceError } from '../../common/protocol';

export type ParamObject = Record<string, unknown>;

export function paramObject(params: unknown, method: string): ParamObject {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw invalid(`${method} takes an object of named parameters.`);
  }
  return params as ParamObject;
}

export function requiredString(p: ParamObject, name: string, method: string): string {
  const v = p[name];
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${method}: "${name}" must be a non-empty string.`);
  return v;
}

export function optionalString(p: ParamObject, name: string, method: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${method}: "${name}" must be a string.`);
  return v;
}

export function optionalNumber(
  p: ParamObject,
  name: string,
  method: string,
  min = -Infinity,
  max = Infinity,
): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw invalid(`${method}: "${name}" must be a number from ${min} to ${max}.`);
  }
  return v;
}

export function optionalBoolean(p: ParamObject, name: string, method: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalid(`${method}: "${name}" must be true or false.`);
  return v;
}

export function optionalEnum<T extends string>(
  p: ParamObject,
  name: string,
  method: string,
  allowed: readonly T[],
): T | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalid(`${method}: "${name}" must be one of ${allowed.join(', ')}.`);
  }
  return v as T;
}

function invalid(message: string): SenseVoiceError {
  return new SenseVoiceError(ErrorCode.InvalidParams, message);
}
