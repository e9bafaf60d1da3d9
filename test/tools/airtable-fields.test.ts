import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClubRecordFields, RegistrationFields } from '../../tools/registrations/registrations.ts';
import { readRecord } from '../../tools/airtable/registrations.ts';
import { aRegistration } from '../contracts/registration-records.contract.ts';
import { REGISTRATION_TABLE } from '../fakes/airtable-server.ts';

/** Values no single select of the club's table offers. */
const PROBES = ['XXS', '26', '0', 'yes', 'Other'];
const written = Object.keys(ClubRecordFields.shape);
const unwrap = (schema: z.ZodType): z.ZodType =>
  schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;

describe("the record's fields against the club's field list (facts §7.2)", () => {
  it('writes only fields of the club table, keeping age_group_mismatch local', () => {
    const missing = written.filter((name) => !(name in REGISTRATION_TABLE));
    expect(missing).toEqual([]);
    // facts §7.2 has no age_group_mismatch: it stays in the local store only
    expect(Object.keys(RegistrationFields.shape)).toContain('age_group_mismatch');
    expect(written).not.toContain('age_group_mismatch');
  });

  it('writes no computed field', () => {
    const computed = written.filter((name) => REGISTRATION_TABLE[name]?.type === 'computed');
    expect(computed).toEqual([]);
  });

  it.each(
    Object.entries(REGISTRATION_TABLE).flatMap(([name, spec]) =>
      spec.type === 'select' && written.includes(name) ? [[name, spec.options] as const] : [],
    ),
  )('sends %s only as one of its single-select options', (name, options) => {
    const schema = unwrap(ClubRecordFields.shape[name as keyof typeof ClubRecordFields.shape]);
    const values =
      schema instanceof z.ZodEnum
        ? (schema.options as string[])
        : options.filter((option) => schema.safeParse(option).success);
    expect(options).toEqual(expect.arrayContaining(values));
    const outside = PROBES.filter(
      (value) => schema.safeParse(value).success && !options.includes(value),
    );
    expect(outside).toEqual([]);
  });

  it('sends numbers to number fields and text to the others', () => {
    const full = aRegistration({ kit_size: 'M', shirt_number: '7', sms_delivery_status: 'sent' });
    for (const [name, value] of Object.entries(full)) {
      const type = REGISTRATION_TABLE[name]?.type;
      expect([name, typeof value]).toEqual([name, type === 'number' ? 'number' : 'string']);
    }
  });

  it('reads a full record back unchanged, ignoring the computed fields', () => {
    const full = aRegistration({ kit_size: 'M', shirt_number: '7' });
    const raw = {
      ...full,
      record_id: 'rec1',
      player_full_name: 'Jack Smith',
      subscription_paid_sep: 'N',
    };
    expect(readRecord(raw)).toEqual({ fields: full, unreadable: [] });
  });
});
