import type { Llm } from '../tools/openai/openai.ts';
import type { PhotoStore } from '../tools/photos/photos.ts';
import type { Log } from './chat-service.ts';
import {
  clip,
  countUsage,
  createLlmMetrics,
  errorName,
  type LlmMetrics,
} from './llm-interpreter.ts';
import { buildPhotoPrompt } from './prompt.ts';

/**
 * Formats a vision model reads. The photo job stages the prepared JPEG before the check, so a
 * HEIC from an iPhone is checked as JPEG too; anything else is accepted unchecked.
 */
const CHECKABLE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
]);
const MAX_CHECK_BYTES = 8 * 1024 * 1024;
const PHOTO_REFUSED =
  "That doesn't look like a passport-style photo of your child. Please upload a clear photo of their face and shoulders.";

export type PhotoCheckDeps = { llm: Llm; photos: PhotoStore; log: Log; metrics?: LlmMetrics };

/**
 * A lenient vision check before routine 34 accepts a photo: a reason for the parent when the model
 * finds it is not a passport-style photo of a young person; null (accept) otherwise, failures included.
 */
export function createPhotoCheck(deps: PhotoCheckDeps) {
  const { llm, photos, log } = deps;
  const metrics = deps.metrics ?? createLlmMetrics();
  return async (uploadId: string, signal?: AbortSignal): Promise<string | null> => {
    const staged = await photos.readStaged(uploadId);
    const readable = staged && CHECKABLE_TYPES.has(staged.contentType);
    if (!readable || staged.bytes.byteLength > MAX_CHECK_BYTES) {
      log('photo.check.skipped', { contentType: staged?.contentType ?? null });
      return null;
    }
    metrics.photoChecks += 1;
    try {
      const result = await llm.respond(buildPhotoPrompt(staged), signal);
      countUsage(metrics, log, result.usage, 34, result.ok ? 'ok' : result.problem);
      if (!result.ok) {
        log('photo.check.failed', { problem: result.problem });
        return null;
      }
      if (result.value.acceptable) return null;
      metrics.photoRefusals += 1;
      return clip(result.value.reason, 200) ?? PHOTO_REFUSED;
    } catch (error) {
      if (signal?.aborted) throw error;
      log('photo.check.failed', { problem: errorName(error) });
      return null;
    }
  };
}
