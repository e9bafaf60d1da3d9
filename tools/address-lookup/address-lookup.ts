import { z } from 'zod';
import { defineTool, ToolUnavailableError } from '../tool.ts';
import { DEMO_STREETS } from './demo.ts';
import type { FoundAddress } from './port.ts';

export type { FoundAddress } from './port.ts';

/** Finds the address of a house number or name within a UK postcode. */
export interface AddressLookup {
  find(
    query: { postcode: string; houseNumber: string },
    signal?: AbortSignal,
  ): Promise<FoundAddress | null>;
}

type Street = { street: string; town: string; city: string };

/** The offline lookup used with no address service configured: a few known demo streets. */
export function createDemoAddressLookup(
  streets: Record<string, Street> = DEMO_STREETS,
): AddressLookup {
  return {
    async find({ postcode, houseNumber }) {
      const street = streets[postcode];
      if (!street) return null;
      return { houseNumber, line1: `${houseNumber} ${street.street}`, ...street, postcode };
    },
  };
}

/** Model-facing: checks an address the parent typed by looking up its postcode and house. */
export const addressLookupTool = defineTool({
  name: 'address_lookup',
  description: 'Look up the full address for a UK postcode and house number or name.',
  input: z.object({ postcode: z.string(), houseNumber: z.string() }),
  async run(input, ports, signal) {
    try {
      const found = await ports.addressLookup.find(input, signal);
      return found
        ? { found }
        : { found: null, hint: 'No match: use the address as the parent typed it.' };
    } catch (error) {
      if (error instanceof ToolUnavailableError) {
        return { found: null, hint: 'Lookup is down: use the address as the parent typed it.' };
      }
      throw error;
    }
  },
});
