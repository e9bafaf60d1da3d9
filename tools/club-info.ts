import { z } from 'zod';
import { defineTool } from './tool.ts';

/** Model-facing: answers a side question from the club's own published information. */
export const clubInfoTool = defineTool({
  name: 'club_info',
  description:
    "Answer a parent's question about the club (fees, codes, contact, kit) from its information.",
  input: z.object({ question: z.string() }),
  async run({ question }, ports) {
    return { answer: ports.clubInfo(question) ?? 'Not known: suggest e-mailing the club.' };
  },
});
