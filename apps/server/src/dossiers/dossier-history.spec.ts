import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { insertBareDossiers } from '../../test/support/bare-dossiers.ts';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { inTransaction, isUniqueViolation } from '../database/transaction.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { appendDossierEvent, isSeqViolation } from './dossier-history.ts';
import { partialEntity } from './partial-entity.ts';

const AT = new Date('2026-01-08T02:00:00.123Z');

for (const { name, database, cleanup } of testDatabases()) {
  describe(`a dossier's history on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let dossierId: string;
    beforeEach(async () => {
      ({ dataSource, drop } = await openTestDatabase(database()));
      [dossierId] = await insertBareDossiers(dataSource);
    });
    afterEach(() => drop());
    after(cleanup);

    const append = (manager: EntityManager, type: string, id = dossierId, dedupeKey?: string) =>
      appendDossierEvent(manager, {
        dossierId: id,
        type,
        isPublic: true,
        messageVi: type,
        messageEn: type,
        dedupeKey,
        at: AT,
      });
    /** The history as DossiersService reads it. */
    const history = async (id = dossierId) =>
      (await dataSource.getRepository(DossierEvent).find({ where: { dossierId: id }, order: { seq: 'ASC' } })).map(
        (event) => `${event.seq} ${event.type}`,
      );

    it('numbers each dossier’s events 1, 2, 3… and reads events of the same millisecond back in append order', async () => {
      // given: another dossier with events of its own in between
      const [other] = await insertBareDossiers(dataSource);
      const types = Array.from({ length: 12 }, (_, i) => `step-${String.fromCharCode(122 - i)}`); // z, y, x…

      // when: twelve events of one millisecond are appended, some in one transaction, some alone
      await inTransaction(dataSource, async (manager) => {
        for (const type of types.slice(0, 6)) {
          await append(manager, type);
          await append(manager, `other-${type}`, other);
        }
      });
      for (const type of types.slice(6)) await inTransaction(dataSource, (manager) => append(manager, type));

      // then: they come back in the order they were appended
      expect(await history()).to.deep.equal(types.map((type, i) => `${i + 1} ${type}`));
      expect(await history(other)).to.deep.equal(types.slice(0, 6).map((type, i) => `${i + 1} other-${type}`));
    });

    it('gives appends to one dossier in concurrent transactions distinct numbers', async () => {
      // given: transactions that each read (MySQL: their snapshot starts) before any of them appends
      const count = 6;
      const parallel = dataSource.options.type === 'mysql'; // SQLite runs transactions one at a time
      let arrived = 0;
      let release!: () => void;
      const everyoneRead = new Promise<void>((resolve) => (release = resolve));

      // when
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          inTransaction(dataSource, async (manager) => {
            await manager.getRepository(DossierEvent).count({ where: { dossierId } });
            if (parallel) {
              if (++arrived === count) release();
              await everyoneRead;
            }
            await append(manager, `concurrent-${i}`);
          }),
        ),
      );

      // then
      const numbers = (await history()).map((line) => Number(line.split(' ')[0]));
      expect(numbers).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
    });

    it('takes the next number when an append outside a transaction meets another one', async () => {
      // when: appends without a transaction (no lock held) race on one dossier
      await Promise.all(Array.from({ length: 5 }, (_, i) => append(dataSource.manager, `racing-${i}`)));

      // then
      expect((await history()).map((line) => line.split(' ')[0])).to.deep.equal(['1', '2', '3', '4', '5']);
    });

    it('tells a taken (dossierId, seq) from a repeated dedupeKey, which it leaves to the caller', async () => {
      // given
      const first = await append(dataSource.manager, 'accepted', dossierId, `motcua.accept:${dossierId}`);
      const copy = { ...first, id: randomUUID(), dedupeKey: null };

      // when
      const taken = await dataSource
        .getRepository(DossierEvent)
        .insert(partialEntity<DossierEvent>(copy))
        .catch((error: unknown) => error);
      const repeated = await append(dataSource.manager, 'accepted', dossierId, `motcua.accept:${dossierId}`).catch(
        (error: unknown) => error,
      );

      // then
      expect(isSeqViolation(taken), String(taken)).to.equal(true);
      expect(isUniqueViolation(repeated), String(repeated)).to.equal(true);
      expect(isSeqViolation(repeated), String(repeated)).to.equal(false);
      expect(await history()).to.deep.equal(['1 accepted']);
    });
  });
}
