import { describe } from 'vitest';
import { createMemoryRateLimiter } from '../../tools/rate-limit/memory.ts';
import { rateLimitContract } from '../contracts/rate-limit.contract.ts';

describe('memory rate limiter', () => {
  rateLimitContract(async (window) => createMemoryRateLimiter(window));
});
