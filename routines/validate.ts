import { z } from 'zod';
import type { QuestionRoutine, RoutineView } from './define-routine.ts';
import type { Draft } from './draft.ts';
import { fail, ok, type Parsed } from './parsers/result.ts';

/**
 * The one gate every answer passes, whoever produced it (the offline parser or a model):
 * the routine's own schema, then its own rules.
 */
export function validateAnswer(
  routine: QuestionRoutine,
  answer: unknown,
  view: RoutineView,
): Parsed<Partial<Draft>> {
  const parsed = routine.extracts.safeParse(answer);
  if (!parsed.success) {
    return fail(
      `Sorry, that doesn't look right: ${z.prettifyError(parsed.error).split('\n')[0] ?? ''}`.trim(),
    );
  }
  const broken = routine.check?.(parsed.data, view) ?? null;
  return broken ? fail(broken) : ok(parsed.data as Partial<Draft>);
}

/** Reads a reply with the routine's own offline parser and validates it. */
export function readAnswer(
  routine: QuestionRoutine,
  text: string,
  view: RoutineView,
): Parsed<Partial<Draft>> {
  const parsed = routine.parse(text, view);
  return parsed.ok ? validateAnswer(routine, parsed.value, view) : parsed;
}
