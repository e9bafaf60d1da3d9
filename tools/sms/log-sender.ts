import { randomBytes } from 'node:crypto';
import { ToolUnavailableError } from '../tool.ts';
import { SmsRejectedError, type SmsSender } from './port.ts';
import { maskPhone } from './sms.ts';

type Log = (event: string, data?: Record<string, unknown>) => void;

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The embedded default: "sends" a text by logging the masked number and the link it carries (never
 * the whole text), so that a developer can follow the journey with no SMS provider.
 */
export function createLogSmsSender(log: Log): SmsSender {
  return {
    async send(message, signal) {
      if (signal?.aborted) throw new ToolUnavailableError('sms-log', { cause: signal.reason });
      if (!E164.test(message.to)) throw new SmsRejectedError(null, 'invalid phone number');
      const providerId = `LOG${randomBytes(16).toString('hex')}`;
      const link = /https?:\/\/\S+/.exec(message.body)?.[0] ?? null;
      log('sms.sent', { providerId, to: maskPhone(message.to), link, length: message.body.length });
      return { providerId, status: 'sent' };
    },
  };
}
