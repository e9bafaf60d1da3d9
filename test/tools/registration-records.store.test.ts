import { openDatabase } from '../../tools/sqlite/database.ts';
import { createStoreRegistrationRecords } from '../../tools/registrations/records.ts';
import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { registrationRecordsContract } from '../contracts/registration-records.contract.ts';

registrationRecordsContract('the embedded SQLite store', async () =>
  createStoreRegistrationRecords(createSqliteRegistrationStore(openDatabase(':memory:'))),
);
