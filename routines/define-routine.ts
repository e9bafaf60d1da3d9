import type { z } from 'zod';
import type { ToolDefinition } from '../tools/tool.ts';
import type { ClubConfig, Team } from './club.ts';
import type { Draft } from './draft.ts';
import type { Parsed } from './parsers/result.ts';

/** What a routine can see: the answers so far, the club and the team of the code. */
export type RoutineView = {
  draft: Partial<Draft>;
  club: ClubConfig;
  team: Team | null;
  /** Today as YYYY-MM-DD; passed in so that every rule is testable. */
  today: string;
  /** Another child of the same parent is registered this season (the sibling discount applies). */
  siblingRegistered?: boolean;
  /** The parent's details from this chat's previous registration (offered again for a sibling). */
  previousParent?: Partial<Draft> | null;
};

/** A step that asks the parent one thing and reads the reply into a slice of the draft. */
export type QuestionRoutine<Answer extends z.ZodObject = z.ZodObject> = {
  kind: 'question';
  /** The club's routine number, sent to the frontend as `routine_number`. */
  number: number;
  /** What to say on entering the routine. */
  ask: (view: RoutineView) => string;
  /** Why the club asks this, in the parent's terms: the answer to "why do you need this?". */
  why: string;
  /** How to read the reply; shown to the model with `extracts` as its output schema. */
  instructions: readonly string[];
  /** The slice of the draft this routine fills; it also validates every answer, however produced. */
  extracts: Answer;
  /** The offline interpreter: reads a reply with no model at all. */
  parse: (text: string, view: RoutineView) => Parsed<z.output<Answer>>;
  /** Rules that need more than the schema (dates, differences from other answers); a reason when broken. */
  check?: (answer: z.output<Answer>, view: RoutineView) => string | null;
  /** Words a parent uses to name this answer when correcting it ("my email is..."). */
  mentions?: readonly string[];
  /**
   * How the answer may be changed later (none when left out): from the summary (28), re-asking
   * what depends on it; mid-flow with nothing else asked again; after the save, written to the
   * stored record. The machine's lists of correctable routines are derived from this.
   */
  corrections?: Corrections;
  /** Answers (fields of `extracts`) the record cannot be saved without. */
  required?: readonly (keyof z.output<Answer>)[];
  /** The parent's own details: offered again, as they are, when the parent registers a sibling. */
  parentDetail?: true;
  /** Answered by an upload, never by a typed reply, whatever a model makes of a message. */
  answeredBy?: 'upload';
  tools: readonly ToolDefinition[];
  /** Real replies and the answer each must give (null: unclear). Feed the tests and the graph. */
  examples: readonly { says: string; answer: z.output<Answer> | null }[];
};

/** The ways a parent may change an answer after giving it (see QuestionRoutine.corrections). */
export type Corrections = {
  /** The summary (28) offers it: the parent goes back to it and what depends on it is asked again. */
  atSummary?: true;
  /** A correction mid-flow ("sorry, my email is…") is taken at once, nothing else asked again. */
  midFlow?: true;
  /** After the save (29) the new value is written to the stored record. */
  afterSave?: true;
};

/** The usual policy of a plain field: changeable at the summary, mid-flow and after the save. */
export const PLAIN_FIELD: Corrections = { atSummary: true, midFlow: true, afterSave: true };

/** A field others depend on (identity, address, branches): changed from the summary only. */
export const AT_SUMMARY: Corrections = { atSummary: true };

/** A step the machine decides alone, with no question and no model call. */
export type DecisionRoutine = {
  kind: 'decision';
  number: number;
  /** What the machine decides here, for readers and the diagram. */
  decides: string;
};

export type Routine = QuestionRoutine | DecisionRoutine;

export function defineRoutine<Answer extends z.ZodObject>(
  routine: Omit<QuestionRoutine<Answer>, 'kind'>,
): QuestionRoutine<Answer> {
  return { kind: 'question', ...routine };
}

export function defineDecision(routine: Omit<DecisionRoutine, 'kind'>): DecisionRoutine {
  return { kind: 'decision', ...routine };
}

/** First name for friendly questions, with a fallback before it is known. */
export const childName = (view: RoutineView) => view.draft.childFirstName ?? 'your child';
