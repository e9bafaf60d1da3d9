// Without the SDK: the outbox checks for this error in every process, Airtable configured or not.

/**
 * Airtable refused a request as malformed (422: an unknown field, a select option that does not
 * exist, a bad formula; 400; 413): a bug to report, never a reason to retry.
 */
export class AirtableRejectedError extends Error {
  /** Airtable's error type, e.g. `INVALID_MULTIPLE_CHOICE_OPTIONS`. */
  readonly type: string;
  readonly statusCode: number;
  constructor(type: string, statusCode: number, message: string) {
    super(`Airtable rejected the request: ${type} (${statusCode}): ${message.slice(0, 300)}`);
    this.name = 'AirtableRejectedError';
    this.type = type;
    this.statusCode = statusCode;
  }
}
