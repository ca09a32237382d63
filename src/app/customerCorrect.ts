import { GuichetError } from '../errors.js';
import { recordAudit } from '../store/auditLog.js';
import { correctCustomer, type Correction } from '../store/customerCorrection.js';
import { inTransaction, type Database } from '../store/db.js';
import { customerAddress } from './customerScope.js';

/** `guichet customer correct`: the person's name or address, on every ticket of theirs; recorded on each and in the audit log. */
export async function customerCorrect(db: Database, given: string, correction: Correction, actor: string, now: Date): Promise<{ tickets: string[] }> {
  const address = customerAddress(given);
  const wanted: Correction = {
    ...(correction.name !== undefined ? { name: correction.name.trim() } : {}),
    ...(correction.newAddress !== undefined ? { newAddress: customerAddress(correction.newAddress) } : {}),
  };
  if (wanted.name === undefined && wanted.newAddress === undefined) {
    throw new GuichetError('GUICHET_CUSTOMER_INVALID', 'nothing to correct: give --name "New Name" or --new-address new@example.com');
  }
  if (wanted.name === '') throw new GuichetError('GUICHET_CUSTOMER_INVALID', '--name is empty: give the name as the person wants it written');
  if (wanted.newAddress === address) throw new GuichetError('GUICHET_CUSTOMER_INVALID', `--new-address is the address already held (${address})`);
  const tickets = await inTransaction(db, async (transaction) => {
    const changed = await correctCustomer(db, transaction, address, wanted, now);
    if (changed.length > 0) {
      await recordAudit(db, transaction, { at: now, actor, command: 'correct', subject: null, counts: { tickets: changed.length, fields: Object.keys(wanted).length }, outcome: 'done' });
    }
    return changed;
  });
  if (tickets.length === 0) throw new GuichetError('GUICHET_CUSTOMER_NOT_FOUND', `no ticket of ${address} to correct (check the spelling, or an address they also use)`);
  return { tickets };
}
