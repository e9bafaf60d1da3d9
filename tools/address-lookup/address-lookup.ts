import { z } from 'zod';
import { defineTool, ToolUnavailableError } from '../tool.ts';

export type { AddressSearch, AddressSearchResult, FoundAddress } from './port.ts';

/** Model-facing: checks an address the parent typed by looking up its postcode and house. */
export const addressLookupTool = defineTool({
  name: 'address_lookup',
  description: 'Look up the full address for a UK postcode and house number or name.',
  input: z.object({ postcode: z.string(), houseNumber: z.string() }),
  async run({ postcode, houseNumber }, ports, signal) {
    try {
      const result = await ports.addressLookup.search({ postcode, house: houseNumber }, signal);
      switch (result.kind) {
        case 'found':
          return { found: result.addresses.slice(0, 5) };
        case 'houseNotFound':
          return {
            found: [],
            hint: 'That house is not in the postcode: use the address as typed.',
          };
        case 'postcodeUnknown':
          return { found: [], hint: 'Unknown postcode: use the address as the parent typed it.' };
      }
    } catch (error) {
      if (error instanceof ToolUnavailableError) {
        return { found: [], hint: 'Lookup is down: use the address as the parent typed it.' };
      }
      throw error;
    }
  },
});
