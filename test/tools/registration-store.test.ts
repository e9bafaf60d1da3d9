import { createSqliteRegistrationStore } from '../../tools/registrations/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { registrationStoreContract } from '../contracts/registration-store.contract.ts';
import { tempDatabasePath } from './temp-database.ts';

registrationStoreContract('SQLite', async () => {
  const db = openDatabase(tempDatabasePath('registrations'));
  return {
    store: createSqliteRegistrationStore(db),
    close: async () => {
      db.close();
    },
  };
});
