import { describe, expect, it } from 'vitest';
import {
  RegistrationNotFoundError,
  type RegistrationFields,
  type RegistrationStore,
  type ShirtRequest,
} from '../../tools/registrations/registrations.ts';
import { registrationFixture } from '../tools/registration-fixture.ts';

export { registrationFixture };

/** A fresh, empty store per test. */
export type OpenRegistrationStore = () => Promise<{
  store: RegistrationStore;
  close(): Promise<void>;
}>;

const shirt = (registrationId: string, overrides: Partial<ShirtRequest> = {}): ShirtRequest => ({
  registrationId,
  team: 'Lions',
  ageGroup: 'u10',
  season: '2526',
  number: 7,
  ...overrides,
});

/** The behaviour every RegistrationStore adapter shares. */
export function registrationStoreContract(name: string, open: OpenRegistrationStore) {
  describe(`${name} registration store`, () => {
    const withStore = (test: (store: RegistrationStore) => Promise<void>) => async () => {
      const { store, close } = await open();
      try {
        await test(store);
      } finally {
        await close();
      }
    };

    it(
      'creates a record, and an upsert of the same id replaces it keeping fields it leaves out',
      withStore(async (store) => {
        expect(await store.get('reg-1')).toBeNull();
        await store.upsert('reg-1', registrationFixture({ sms_delivery_status: 'pending' }));
        await store.upsert('reg-1', registrationFixture({ kit_size: '9/10' }));
        expect(await store.get('reg-1')).toEqual({
          id: 'reg-1',
          fields: registrationFixture({ sms_delivery_status: 'pending', kit_size: '9/10' }),
        });
        expect(await store.list()).toHaveLength(1);
      }),
    );

    it(
      'erases a record (an erasure), and says when there was none',
      withStore(async (store) => {
        await store.upsert('reg-1', registrationFixture());
        await store.upsert('reg-2', registrationFixture({ player_first_name: 'Ava' }));
        expect(await store.delete('reg-1')).toBe(true);
        expect(await store.delete('reg-1')).toBe(false);
        expect(await store.get('reg-1')).toBeNull();
        expect((await store.list()).map((record) => record.id)).toEqual(['reg-2']);
      }),
    );

    it(
      'updates some fields of a record and keeps the others',
      withStore(async (store) => {
        await store.upsert('reg-1', registrationFixture());
        await store.update('reg-1', {
          parent_email: 'sarah@example.org',
          preferred_payment_day: 15,
        });
        expect((await store.get('reg-1'))?.fields).toEqual(
          registrationFixture({ parent_email: 'sarah@example.org', preferred_payment_day: 15 }),
        );
      }),
    );

    it(
      'refuses to update a record that does not exist',
      withStore(async (store) => {
        await expect(store.update('missing', { kit_size: 'S' })).rejects.toBeInstanceOf(
          RegistrationNotFoundError,
        );
        expect(await store.list()).toEqual([]);
      }),
    );

    it.each([
      ['an e-mail that is not one', { parent_email: 'not-an-email' }],
      ['an address over 200 characters', { player_full_address: 'x'.repeat(201) }],
      ['a shirt number over 25', { shirt_number: '26' }],
      // Outside the types (a caller in JavaScript, a parsed body): undefined would erase it.
      [
        'a change that takes away a field every record has',
        { parent_email: undefined as unknown as string },
      ],
    ])('refuses %s and keeps the stored record as it was', (_, bad) =>
      withStore(async (store) => {
        await store.upsert('reg-1', registrationFixture());
        await expect(store.update('reg-1', bad)).rejects.toThrow();
        await expect(store.upsert('reg-1', registrationFixture(bad))).rejects.toThrow();
        expect((await store.get('reg-1'))?.fields).toEqual(registrationFixture());
      })(),
    );

    it(
      'lists every record',
      withStore(async (store) => {
        await store.upsert('reg-1', registrationFixture());
        await store.upsert('reg-2', registrationFixture({ player_first_name: 'Mia' }));
        const listed = await store.list();
        expect(listed.map((r) => [r.id, r.fields.player_first_name]).sort()).toEqual([
          ['reg-1', 'Leo'],
          ['reg-2', 'Mia'],
        ]);
      }),
    );

    it(
      'gives a shirt number to one child of a team, again to the same child, and not to another',
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture());
        await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
        expect(await store.reserveShirtNumber(shirt('leo'))).toBe('reserved');
        expect(await store.reserveShirtNumber(shirt('leo'))).toBe('reserved');
        expect(await store.reserveShirtNumber(shirt('mia'))).toBe('taken');
        expect(await store.reserveShirtNumber(shirt('mia', { team: 'LIONS' }))).toBe('taken');
        expect((await store.get('leo'))?.fields.shirt_number).toBe('7');
        expect((await store.get('mia'))?.fields.shirt_number).toBeUndefined();
      }),
    );

    it(
      'writes the kit with the number, and neither when the number is taken',
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture({ new_kit_required: 'N' }));
        await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
        const kit = {
          new_kit_required: 'Y',
          kit_size: '11/12',
          kit_type_required: 'Goalkeeper',
        } as const;
        expect(await store.reserveShirtNumber({ ...shirt('leo'), with: kit })).toBe('reserved');
        expect((await store.get('leo'))?.fields).toMatchObject({ ...kit, shirt_number: '7' });
        const mia = (await store.get('mia'))?.fields;
        expect(await store.reserveShirtNumber({ ...shirt('mia'), with: kit })).toBe('taken');
        expect((await store.get('mia'))?.fields).toEqual(mia);
      }),
    );

    it.each<[string, Partial<RegistrationFields>]>([
      ['another team', { team: 'Tigers' }],
      ['another age group', { age_group: 'u11' }],
      ['another season', { season: '2627' }],
    ])('lets a child of %s have the same number', async (_, other) =>
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture());
        await store.upsert('mia', registrationFixture({ player_first_name: 'Mia', ...other }));
        expect(await store.reserveShirtNumber(shirt('leo'))).toBe('reserved');
        const request = shirt('mia', {
          ...(other.team ? { team: other.team } : {}),
          ...(other.age_group ? { ageGroup: other.age_group } : {}),
          ...(other.season ? { season: other.season } : {}),
        });
        expect(await store.reserveShirtNumber(request)).toBe('reserved');
      })(),
    );

    it(
      'frees a child’s old number when the child takes another',
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture());
        await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
        expect(await store.reserveShirtNumber(shirt('leo', { number: 7 }))).toBe('reserved');
        expect(await store.reserveShirtNumber(shirt('leo', { number: 9 }))).toBe('reserved');
        expect(await store.reserveShirtNumber(shirt('mia', { number: 7 }))).toBe('reserved');
        expect(await store.reserveShirtNumber(shirt('mia', { number: 9 }))).toBe('taken');
      }),
    );

    it(
      'keeps a reserved number through a later upsert of the record',
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture());
        await store.upsert('mia', registrationFixture({ player_first_name: 'Mia' }));
        await store.reserveShirtNumber(shirt('leo'));
        await store.upsert('leo', registrationFixture({ kit_size: '9/10' }));
        expect((await store.get('leo'))?.fields.shirt_number).toBe('7');
        expect(await store.reserveShirtNumber(shirt('mia'))).toBe('taken');
      }),
    );

    it(
      'gives a number asked for by ten children at once to exactly one',
      withStore(async (store) => {
        const children = Array.from({ length: 10 }, (_, i) => `child-${i}`);
        for (const id of children) await store.upsert(id, registrationFixture());
        const results = await Promise.all(
          children.map((id) => store.reserveShirtNumber(shirt(id, { number: 11 }))),
        );
        expect(results.filter((result) => result === 'reserved')).toHaveLength(1);
      }),
    );

    it(
      'refuses a shirt number for a child with no record',
      withStore(async (store) => {
        await expect(store.reserveShirtNumber(shirt('nobody'))).rejects.toBeInstanceOf(
          RegistrationNotFoundError,
        );
      }),
    );

    it(
      "finds a season's registrations of one family or one team whatever the spelling, and follows changes",
      withStore(async (store) => {
        await store.upsert('leo', registrationFixture());
        await store.upsert(
          'mia',
          registrationFixture({
            player_first_name: 'Mia',
            player_last_name: 'OBrien',
            parent_first_name: 'SARAH',
            parent_last_name: 'O’Brien',
            team: 'lions ',
          }),
        );
        await store.upsert(
          'ava',
          registrationFixture({ player_first_name: 'Ava', season: '2425' }),
        );
        await store.upsert(
          'tom',
          registrationFixture({ parent_first_name: 'Jane', team: 'Tigers' }),
        );
        const ids = (found: { id: string }[]) => found.map((stored) => stored.id).sort();
        const family = {
          parentFirstName: 'sarah',
          parentLastName: "o'brien",
          childLastName: 'O-Brien',
        };
        expect(ids(await store.find({ season: '2526', family }))).toEqual(['leo', 'mia']);
        expect(ids(await store.find({ season: '2425', family }))).toEqual(['ava']);
        expect(ids(await store.find({ season: '2526', team: 'LIONS' }))).toEqual(['leo', 'mia']);
        expect(ids(await store.find({ season: '2526', family, team: 'Tigers' }))).toEqual([]);
        expect(ids(await store.find({ season: '2526' }))).toEqual(['leo', 'mia', 'tom']);
        await store.update('mia', { team: 'Tigers' });
        expect(ids(await store.find({ season: '2526', team: 'tigers' }))).toEqual(['mia', 'tom']);
        await store.delete('leo');
        expect(ids(await store.find({ season: '2526', family }))).toEqual(['mia']);
      }),
    );
  });
}
