import { expect } from 'chai';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { AgenciesService } from '../agencies/agencies.service.ts';
import { Agency } from '../agencies/agency.entity.ts';
import { AuditEntry } from '../audit/audit-entry.entity.ts';
import { AuditService } from '../audit/audit.service.ts';
import { loadConfig } from '../config/config.ts';
import { Group } from '../users/group.entity.ts';
import { User } from '../users/user.entity.ts';
import { DEMO_AGENCIES, DEMO_USERS } from './demo-data.ts';
import { DemoSeedService } from './demo-seed.service.ts';

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the demo seed and agency resolution on ${name}`, function () {
    this.timeout(60_000);
    after(cleanup);

    it('seeds an empty database once, and agencies resolve by role for a place', async () => {
      // given
      const { dataSource, drop } = await openTestDatabase(database());
      try {
        const config = { ...loadConfig({}), passwordHashCost: 4 };
        const seed = new DemoSeedService(config, dataSource, new AuditService(dataSource.getRepository(AuditEntry)));
        const agencies = new AgenciesService(dataSource.getRepository(Agency));

        // when
        const first = await seed.seedIfEmpty();
        const second = await seed.seedIfEmpty();

        // then
        expect([first, second]).to.deep.equal([true, false]);
        expect(await dataSource.getRepository(Agency).count()).to.equal(DEMO_AGENCIES.length);
        expect(await dataSource.getRepository(User).count()).to.equal(DEMO_USERS.length);
        expect(await dataSource.getRepository(Group).count()).to.equal(
          DEMO_AGENCIES.reduce((sum, agency) => sum + agency.groups.length, 0),
        );
        const code = async (role: string, place: string, date?: string): Promise<string | undefined> =>
          (await agencies.resolveByRole(role, place, date))?.code;
        expect(await code('commune-people-committee', '000.00.12.H10')).to.equal('000.00.12.H10');
        expect(await code('commune-police', '000.00.13.H10')).to.equal('000.13.01.H10');
        expect(await code('social-insurance', '000.00.14.H10')).to.equal('000.00.02.H10');
        expect(await code('commune-people-committee', '000.12.01.H10')).to.equal('000.00.12.H10');
        expect(await code('province-people-committee', '000.00.12.H10')).to.equal('000.00.00.H10');
        expect(await code('commune-police', '000.00.12.H10', '2025-06-30')).to.equal(undefined);
        expect(await code('fisheries-office', '000.00.12.H10')).to.equal(undefined);
      } finally {
        await drop();
      }
    });

    it('seeds nothing when told not to (MOTCUA_DEMO_SEED=false)', async () => {
      const { dataSource, drop } = await openTestDatabase(database());
      try {
        const config = loadConfig({ MOTCUA_DEMO_SEED: 'false' });
        const seed = new DemoSeedService(config, dataSource, new AuditService(dataSource.getRepository(AuditEntry)));
        expect(await seed.seedIfEmpty()).to.equal(false);
        expect(await dataSource.getRepository(User).count()).to.equal(0);
      } finally {
        await drop();
      }
    });
  });
}
