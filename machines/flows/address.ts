import { sessionSetup } from '../setup.ts';
import { answerIs, ask, effect, meta, orFallBack, step } from './states.ts';

/**
 * The address part, used for the parent (routines 12-15) and for the child (18-21): postcode,
 * house, the lookup and its branches (a list to choose from, a house or postcode not found, the
 * service down), the address typed, then confirmed.
 */
export type Who = 'parent' | 'child';

/** The states of each side's address steps (routines 13-15 for the parent, 19-21 for the child). */
const ADDRESS_STATES = {
  parent: {
    postcode: 'parentPostcode',
    house: 'parentHouseNumber',
    lookUp: 'lookingUpParentAddress',
    choose: 'chooseParentAddress',
    houseNotFound: 'parentHouseNotFound',
    postcodeUnknown: 'parentPostcodeUnknown',
    typed: 'parentAddressTyped',
    confirm: 'confirmParentAddress',
  },
  child: {
    postcode: 'childPostcode',
    house: 'childHouseNumber',
    lookUp: 'lookingUpChildAddress',
    choose: 'chooseChildAddress',
    houseNotFound: 'childHouseNotFound',
    postcodeUnknown: 'childPostcodeUnknown',
    typed: 'childAddressTyped',
    confirm: 'confirmChildAddress',
  },
} as const;

/**
 * Routine 13/19's lookup: one address is confirmed; several are offered as a list; a house not in
 * the postcode or an unknown postcode is asked about; a service down or slow (the port's timeout
 * bounds it) means typing the address. Only a bug hands off.
 */
const lookUpAddress = (who: Who) => {
  const states = ADDRESS_STATES[who];
  return effect(who === 'parent' ? 'lookUpParentAddress' : 'lookUpChildAddress', {
    'address.found': [
      {
        guard: 'severalAddresses',
        target: states.choose,
        actions: { type: 'offerAddresses', params: { who } },
      },
      { target: states.confirm, actions: { type: 'saveAddress', params: { who } } },
    ],
    'address.houseNotFound': states.houseNotFound,
    'address.postcodeUnknown': states.postcodeUnknown,
    'effect.failed': orFallBack({ target: states.typed, actions: 'noteAddressNotFound' }),
  });
};

/** The numbered list (13/19): a listed address is confirmed next; "none of these" types it. */
const chooseAddress = (who: Who) => {
  const states = ADDRESS_STATES[who];
  return sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(states.choose),
    on: {
      'user.answered': [
        {
          guard: { type: 'pickedListedAddress', params: { who } },
          target: states.confirm,
          actions: { type: 'pickAddress', params: { who } },
        },
        { target: states.typed, actions: { type: 'dropAddressChoices', params: { who } } },
      ],
    },
  });
};

/** "Is the number (or the postcode) right?" (13/19): a new value is looked up again, else typed. */
const askAgain = (who: Who, what: 'house' | 'postcode') => {
  const states = ADDRESS_STATES[who];
  return sessionSetup.createStateConfig({
    tags: 'awaitingUser',
    meta: meta(what === 'house' ? states.houseNotFound : states.postcodeUnknown),
    on: {
      'user.answered': [
        {
          guard: { type: 'givesNewValue', params: { who, what } },
          target: states.lookUp,
          actions: { type: 'retryLookup', params: { who, what } },
        },
        { target: states.typed, actions: { type: 'retryLookup', params: { who, what } } },
      ],
    },
  });
};

/** Which answer confirms each side's address. */
const CONFIRMED = { parent: 'parentAddressConfirmed', child: 'childAddressConfirmed' } as const;

/** The address states of one side; a confirmed address goes on to `after`. */
export function addressPart(who: Who, after: string) {
  const states = ADDRESS_STATES[who];
  return {
    [states.postcode]: step(states.postcode, states.house),
    [states.house]: step(states.house, states.lookUp),
    [states.lookUp]: lookUpAddress(who),
    [states.choose]: chooseAddress(who),
    [states.houseNotFound]: askAgain(who, 'house'),
    [states.postcodeUnknown]: askAgain(who, 'postcode'),
    [states.typed]: step(states.typed, states.confirm),
    [states.confirm]: ask(states.confirm, after, {
      guard: answerIs(CONFIRMED[who], false),
      target: states.typed,
    }),
  };
}
