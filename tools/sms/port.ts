/** One text message to send now; `to` is a number in E.164 (+447700900123). */
export type SmsMessage = {
  to: string;
  body: string;
  /** Where the provider reports delivery (sent, delivered, failed…), when we want to know. */
  statusCallbackUrl?: string;
};

/** The provider took the message: its id (the key of later status callbacks) and first status. */
export type SmsReceipt = { providerId: string; status: string };

/**
 * Sends one text message. Throws `SmsRejectedError` when the provider refuses it for good (do not
 * retry) and `ToolUnavailableError` when it could not be reached or failed (retry later). A send
 * that times out may still have been accepted: the provider has no idempotency key.
 */
export interface SmsSender {
  send(message: SmsMessage, signal?: AbortSignal): Promise<SmsReceipt>;
}

/** The provider refused the message for good (invalid number, recipient opted out…): no retry. */
export class SmsRejectedError extends Error {
  /** The provider's error code (Twilio's 21211, 21610…), or null when it gave none. */
  readonly code: string | null;
  /** A short reason without personal data, fit for the club's screens and the logs. */
  readonly reason: string;
  constructor(code: string | null, reason: string, options?: { cause?: unknown }) {
    super(`SMS rejected${code === null ? '' : ` (${code})`}: ${reason}`, options);
    this.name = 'SmsRejectedError';
    this.code = code;
    this.reason = reason;
  }
}
