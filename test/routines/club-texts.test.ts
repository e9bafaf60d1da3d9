import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.ts';
import { REGISTRATION_MESSAGES } from '../support/registration-script.ts';
import { defaultClub, fillText, parseClubConfig } from '../../routines/club.ts';

const withoutTexts = Object.fromEntries(
  Object.entries(defaultClub).filter(([name]) => name !== 'texts'),
);

describe('the club’s text templates', () => {
  it('words the payment link as before by default', () => {
    expect(
      fillText(defaultClub.texts.paymentLink, {
        clubName: defaultClub.name,
        parentFirstName: 'Sarah',
        childFirstName: 'Leo',
        link: 'https://register.example.org/reg_setup/BRQ1',
      }),
    ).toBe(
      "Hi Sarah, this is the registration assistant from Urmston Town Juniors FC. Leo's registration is almost complete: please pay the signing-on fee and set up the monthly Direct Debit here: https://register.example.org/reg_setup/BRQ1",
    );
  });

  it('gives a configuration without texts the first club’s wording', () => {
    expect(parseClubConfig(withoutTexts).texts).toEqual(defaultClub.texts);
  });

  it.each([
    ['an unknown placeholder', { paymentLink: 'Pay {amount} at {link}' }, /placeholders are/],
    ['a payment link without {link}', { paymentLink: 'Please pay soon' }, /must contain \{link\}/],
  ])('refuses %s', (_, texts, problem) => {
    expect(() =>
      parseClubConfig({ ...defaultClub, texts: { ...defaultClub.texts, ...texts } }),
    ).toThrow(problem);
  });

  it('sends the payment link in the club’s own words, to the number in E.164', async () => {
    const club = parseClubConfig({
      ...defaultClub,
      texts: {
        ...defaultClub.texts,
        paymentLink: '{clubName}: {childFirstName} is nearly in. {link}',
      },
    });
    const harness = await createHarness({ club });
    for (const message of REGISTRATION_MESSAGES.slice(0, 19)) await harness.say(message);
    const [text] = await harness.ports.sms.list();
    expect(text?.to).toBe('+447700900123');
    expect(text?.body).toMatch(
      /^Urmston Town Juniors FC: Leo is nearly in\. http:\/\/localhost:8000\/reg_setup\/[A-Za-z0-9_-]{32}$/,
    );
  });
});
