// Typed, sanitized reads of the `sensevoice.*` settings, and which of them need a daemon restart.
import * as vscode from 'vscode';
import type { DaemonSettings, DiarizationOptions } from '../common/protocol';
import { LANGUAGES, PROVIDERS, VAD_MODES } from '../common/values';
import { inferenceAuthHeaders } from './inference/registerInferenceToken';

/** Settings that change how the daemon process is started: a change needs a restart. */
export const RESTART_SETTINGS = ['sensevoice.nodePath', 'sensevoice.sharedDaemon'] as const;

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('sensevoice');
}

function str(key: string): string | undefined {
  const v = section().get<unknown>(key);
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  const v = section().get<unknown>(key);
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

function bool(key: string, fallback: boolean): boolean {
  const v = section().get<unknown>(key);
  return typeof v === 'boolean' ? v : fallback;
}

function num(key: string, fallback: number, min: number, max: number): number {
  const v = section().get<unknown>(key);
  return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fallback;
}

function int(key: string, fallback: number, min: number, max: number): number {
  const v = section().get<unknown>(key);
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
}

/** The node binary for the daemon, when the user set one. */
export function nodePath(): string | undefined {
  return str('nodePath');
}

/** Attach to the user's shared daemon (default), or run a private one over stdio. */
export function sharedDaemon(): boolean {
  return bool('sharedDaemon', true);
}

/** Minutes a shared daemon started by this window waits, with no clients and no jobs, before it exits. */
export function idleMinutes(): number {
  return num('daemon.idleMinutes', 5, 1, 1440);
}

/** A NuGet v3 service index to fetch the GPU libraries from (a company mirror); undefined for nuget.org. */
export function gpuFeedUrl(): string | undefined {
  return str('gpu.feedUrl');
}

/** PyPI's JSON API (or a mirror) that Set Up GPU fetches NVIDIA's CUDA libraries from; undefined for pypi.org. */
export function gpuPypiFeedUrl(): string | undefined {
  return str('gpu.pypiFeedUrl');
}

/** Everything the daemon needs to know, sent in `initialize` and `config/didChange`. */
export function daemonSettings(): DaemonSettings {
  const auth = inferenceAuthHeaders();
  return {
    ffmpegPath: str('ffmpegPath'),
    modelPath: str('modelPath'),
    provider: oneOf('provider', PROVIDERS, 'auto'),
    threads: int('threads', 0, 0, 256),
    language: oneOf('language', LANGUAGES, 'auto'),
    itn: bool('itn', true),
    banEmotionUnknown: bool('banEmotionUnknown', false),
    vad: oneOf('vad', VAD_MODES, 'on'),
    maxSegmentSec: num('maxSegmentSec', 30, 1, 60),
    batchSize: int('batchSize', 4, 1, 64),
    concurrency: int('concurrency', 2, 1, 16),
    inferenceEndpoint: str('inference.endpoint'),
    inferenceModelName: str('inference.modelName'),
    inferenceTimeoutSec: num('inference.timeoutSec', 60, 1, 600),
    // The server's bearer token is not a setting (settings files are not secret): SecretStorage
    // (Set Inference Server Token), sent as a header over the local connection only.
    ...(auth ? { inferenceHeaders: auth } : {}),
  };
}

/**
 * The `diarization` option of this window's transcribe requests (`sensevoice.diarization.*`), or
 * undefined when it is off. The models come from the store; absent ones give a transcript without
 * speakers that says why.
 */
export function diarizationRequest(): DiarizationOptions | undefined {
  if (!bool('diarization.enabled', false)) return undefined;
  return { numSpeakers: int('diarization.speakers', 0, 0, 100) };
}

/** Files the extension sends to the daemon at once (the daemon applies the same limit). */
export function concurrency(): number {
  return int('concurrency', 2, 1, 16);
}

/** Events and emotions as emoji in exports, copies and notes. */
export function exportEmoji(): boolean {
  return bool('exportEmoji', true);
}

/** Where exports go: a save dialog that starts beside the audio, or straight beside the audio. */
export function exportLocation(): 'ask' | 'besideAudio' {
  return oneOf('exportLocation', ['ask', 'besideAudio'] as const, 'ask');
}
