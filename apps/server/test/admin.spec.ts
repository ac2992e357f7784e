import { expect } from 'chai';
import { DEMO_PASSWORD } from '../src/seed/demo-data.ts';
import { startTestServer, testServerDatabases } from './support/test-server.ts';
import type { TestServer } from './support/test-server.ts';

interface AgencyNode {
  code: string;
  id: string;
  children: AgencyNode[];
}

function flatten(nodes: AgencyNode[]): AgencyNode[] {
  return nodes.flatMap((node) => [node, ...flatten(node.children)]);
}

for (const { name, env } of testServerDatabases()) {
  describe(`the administrator API on ${name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let admin: string;
    let provinceId: string;
    before(async () => {
      server = await startTestServer(env);
      admin = await server.login('admin');
      const tree = await server.request('GET', '/api/admin/agencies', { token: admin });
      provinceId = tree.body.tree.find((node: AgencyNode) => node.code === '000.00.00.H10').id;
    });
    after(async () => {
      await server?.close();
    });

    const audit = async (entity: string, entityId: string): Promise<{ action: string; actorUsername: string }[]> =>
      (await server.request('GET', `/api/admin/audit?entity=${entity}&entityId=${entityId}`, { token: admin })).body
        .entries;

    it('shows the seeded province as a tree: departments, communes, commune police under the provincial police', async () => {
      // when
      const response = await server.request('GET', '/api/admin/agencies?at=2025-08-01', { token: admin });

      // then
      expect(response.status).to.equal(200);
      expect(response.body.at).to.equal('2025-08-01');
      const [province] = response.body.tree as AgencyNode[];
      expect(province.code).to.equal('000.00.00.H10');
      expect(province.children.map((child) => child.code)).to.have.members([
        '000.00.01.H10',
        '000.00.02.H10',
        '000.00.12.H10',
        '000.00.13.H10',
        '000.00.14.H10',
      ]);
      const police = province.children.find((child) => child.code === '000.00.01.H10')!;
      expect(police.children.map((child) => child.code)).to.have.members([
        '000.12.01.H10',
        '000.13.01.H10',
        '000.14.01.H10',
      ]);
      const before = await server.request('GET', '/api/admin/agencies?at=2025-06-30', { token: admin });
      expect(before.body.tree).to.deep.equal([]);
    });

    it('creates an agency, a group and an official in it, each with an audit entry', async () => {
      // when
      const agency = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: {
          code: '000.00.15.H10',
          nameVi: 'Ủy ban nhân dân xã Thử Nghiệm',
          nameEn: 'Thu Nghiem Commune People’s Committee',
          level: 'commune',
          role: 'commune-people-committee',
          parentId: provinceId,
          legalAuthority: 'Nghị quyết thử nghiệm',
          effectiveFrom: '2025-07-01',
        },
      });
      const group = await server.request('POST', '/api/admin/groups', {
        token: admin,
        body: { prefix: 'desk', agencyId: agency.body.agency.id },
      });
      const user = await server.request('POST', '/api/admin/users', {
        token: admin,
        body: {
          username: 'thunghiem.desk',
          password: 'mat khau cua can bo',
          fullName: 'Phan Văn Thử',
          email: 'thu@motcua.local',
          roles: ['desk'],
          agencyId: agency.body.agency.id,
          groups: ['desk@000.00.15.H10'],
        },
      });

      // then
      expect(agency.status, JSON.stringify(agency.body)).to.equal(201);
      expect(agency.body.agency).to.deep.include({ code: '000.00.15.H10', level: 'commune', effectiveTo: null });
      expect(group.status, JSON.stringify(group.body)).to.equal(201);
      expect(group.body.group).to.deep.include({ code: 'desk@000.00.15.H10', agencyCode: '000.00.15.H10' });
      expect(user.status, JSON.stringify(user.body)).to.equal(201);
      expect(user.body.user).to.deep.include({
        username: 'thunghiem.desk',
        roles: ['desk'],
        agencyCode: '000.00.15.H10',
        groups: ['desk@000.00.15.H10'],
        active: true,
      });
      expect(user.body.user).not.to.have.property('passwordHash');
      const [agencyEntry] = await audit('agency', agency.body.agency.id);
      const [groupEntry] = await audit('group', group.body.group.id);
      const userEntries = (
        await server.request('GET', `/api/admin/audit?entity=user&entityId=${user.body.user.id}`, { token: admin })
      ).body.entries;
      expect(agencyEntry).to.deep.include({ action: 'agency.create', actorUsername: 'admin' });
      expect(groupEntry).to.deep.include({ action: 'group.create', actorUsername: 'admin' });
      expect(userEntries[0]).to.deep.include({ action: 'user.create', actorUsername: 'admin' });
      expect(JSON.stringify(userEntries[0].data)).not.to.include('mat khau');
      expect(userEntries[0].ip).to.match(/127\.0\.0\.1/);
      const token = await server.login('thunghiem.desk', 'mat khau cua can bo');
      const me = await server.request('GET', '/api/auth/me', { token });
      expect(me.body.user).to.deep.include({ agencyCode: '000.00.15.H10', groupCodes: ['desk@000.00.15.H10'] });
      const detail = await server.request('GET', `/api/admin/groups/${group.body.group.id}`, { token: admin });
      expect(detail.body.group.members.map((m: { username: string }) => m.username)).to.deep.equal(['thunghiem.desk']);
    });

    it('lists every problem of an agency and of a user at once', async () => {
      // when
      const agency = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: { code: '12.H10', level: 'district', effectiveFrom: '2025-02-30', effectiveTo: 'soon' },
      });
      const user = await server.request('POST', '/api/admin/users', {
        token: admin,
        body: {
          username: 'X',
          password: '123',
          roles: ['citizen', 'mayor'],
          phone: '123',
          email: 'x@',
          groups: 'desk',
        },
      });

      // then
      expect(agency.status).to.equal(400);
      expect(agency.body.details.errors.map((e: { field: string }) => e.field)).to.have.members([
        'code',
        'nameVi',
        'nameEn',
        'level',
        'role',
        'effectiveFrom',
        'effectiveTo',
      ]);
      expect(user.status).to.equal(400);
      expect(user.body.details.errors.map((e: { field: string }) => e.field)).to.have.members([
        'username',
        'password',
        'fullName',
        'email',
        'phone',
        'roles[1]',
        'groups',
      ]);
    });

    it('checks references: the parent exists, officials need an agency, groups belong to the user’s agency', async () => {
      // given
      const kinhBac = (await server.request('GET', '/api/admin/users?q=kinhbac.desk', { token: admin })).body.users[0];

      // when
      const orphan = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: {
          code: '000.00.16.H10',
          nameVi: 'Xã Mồ Côi',
          nameEn: 'Orphan Commune',
          level: 'commune',
          role: 'commune-people-committee',
          effectiveFrom: '2025-07-01',
        },
      });
      const noAgency = await server.request('POST', '/api/admin/users', {
        token: admin,
        body: { username: 'lonely.leader', password: 'mot mat khau dai', fullName: 'Cô Đơn', roles: ['leader'] },
      });
      const foreignGroup = await server.request('POST', '/api/admin/users', {
        token: admin,
        body: {
          username: 'wrong.group',
          password: 'mot mat khau dai',
          fullName: 'Sai Nhóm',
          roles: ['desk'],
          agencyId: kinhBac.agencyId,
          groups: ['desk@000.00.13.H10', 'desk@999.99.99.H99'],
        },
      });

      // then
      expect(orphan.status).to.equal(400);
      expect(orphan.body.details.errors.map((e: { field: string }) => e.field)).to.deep.equal(['parentId']);
      expect(noAgency.status).to.equal(400);
      expect(noAgency.body.details.errors.map((e: { field: string }) => e.field)).to.deep.equal(['agencyId']);
      expect(foreignGroup.status).to.equal(400);
      expect(foreignGroup.body.details.errors.map((e: { field: string }) => e.field)).to.deep.equal([
        'groups[0]',
        'groups[1]',
      ]);
    });

    it('refuses a second agency with the same code (409) and a second group with the same code (409)', async () => {
      const agency = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: {
          code: '000.00.12.H10',
          nameVi: 'Trùng',
          nameEn: 'Duplicate',
          level: 'commune',
          role: 'commune-people-committee',
          parentId: provinceId,
          effectiveFrom: '2025-07-01',
        },
      });
      const kinhBacId = (await server.request('GET', '/api/admin/users?q=kinhbac.desk', { token: admin })).body.users[0]
        .agencyId;
      const group = await server.request('POST', '/api/admin/groups', {
        token: admin,
        body: { prefix: 'desk', agencyId: kinhBacId },
      });
      expect(agency.status).to.equal(409);
      expect(agency.body.error).to.equal('AGENCY_CODE_TAKEN');
      expect(group.status).to.equal(409);
      expect(group.body.error).to.equal('GROUP_CODE_TAKEN');
    });

    it('closes an agency by date: it leaves the tree from the day after effectiveTo, with the change audited', async () => {
      // given
      const created = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: {
          code: '000.00.17.H10',
          nameVi: 'Xã Sắp Sáp Nhập',
          nameEn: 'Merging Commune',
          level: 'commune',
          role: 'commune-people-committee',
          parentId: provinceId,
          effectiveFrom: '2025-07-01',
        },
      });
      const id = created.body.agency.id;

      // when
      const closed = await server.request('PATCH', `/api/admin/agencies/${id}`, {
        token: admin,
        body: { effectiveTo: '2025-12-31' },
      });
      const codeChange = await server.request('PATCH', `/api/admin/agencies/${id}`, {
        token: admin,
        body: { code: '000.00.18.H10' },
      });

      // then
      expect(closed.status).to.equal(200);
      expect(closed.body.agency.effectiveTo).to.equal('2025-12-31');
      const codesAt = async (date: string): Promise<string[]> =>
        flatten((await server.request('GET', `/api/admin/agencies?at=${date}`, { token: admin })).body.tree).map(
          (node) => node.code,
        );
      expect(await codesAt('2025-12-31')).to.include('000.00.17.H10');
      expect(await codesAt('2026-01-01')).not.to.include('000.00.17.H10');
      expect((await audit('agency', id)).map((entry) => entry.action)).to.deep.equal([
        'agency.update',
        'agency.create',
      ]);
      expect(codeChange.status).to.equal(400);
      expect(codeChange.body.details.errors[0].field).to.equal('code');
    });

    it('refuses to delete an agency in use and deletes an unused one', async () => {
      const kinhBacId = (await server.request('GET', '/api/admin/users?q=kinhbac.desk', { token: admin })).body.users[0]
        .agencyId;
      const inUse = await server.request('DELETE', `/api/admin/agencies/${kinhBacId}`, { token: admin });
      const created = await server.request('POST', '/api/admin/agencies', {
        token: admin,
        body: {
          code: '000.00.19.H10',
          nameVi: 'Xã Nhập Nhầm',
          nameEn: 'Mistaken Commune',
          level: 'commune',
          role: 'commune-people-committee',
          parentId: provinceId,
          effectiveFrom: '2025-07-01',
        },
      });
      const deleted = await server.request('DELETE', `/api/admin/agencies/${created.body.agency.id}`, { token: admin });
      expect(inUse.status).to.equal(409);
      expect(inUse.body.error).to.equal('AGENCY_IN_USE');
      expect(deleted.status).to.equal(200);
      expect(
        (await server.request('GET', `/api/admin/agencies/${created.body.agency.id}`, { token: admin })).status,
      ).to.equal(404);
      expect((await audit('agency', created.body.agency.id)).map((entry) => entry.action)).to.deep.equal([
        'agency.delete',
        'agency.create',
      ]);
    });

    it('deactivates a user: their tokens stop working and they cannot log in; activation lets them back', async () => {
      // given
      const token = await server.login('bacgiang.specialist');
      const user = (await server.request('GET', '/api/admin/users?q=bacgiang.specialist', { token: admin })).body
        .users[0];

      // when
      const deactivated = await server.request('POST', `/api/admin/users/${user.id}/deactivate`, { token: admin });

      // then
      expect(deactivated.status).to.equal(200);
      expect(deactivated.body.user.active).to.equal(false);
      expect((await server.request('GET', '/api/auth/me', { token })).status).to.equal(401);
      const login = await server.request('POST', '/api/auth/login', {
        body: { username: 'bacgiang.specialist', password: DEMO_PASSWORD, token: true },
      });
      expect(login.status).to.equal(401);
      const inactive = await server.request('GET', '/api/admin/users?active=false', { token: admin });
      expect(inactive.body.users.map((u: { username: string }) => u.username)).to.include('bacgiang.specialist');
      await server.request('POST', `/api/admin/users/${user.id}/activate`, { token: admin });
      expect(await server.login('bacgiang.specialist')).to.match(/^mct_/);
      expect((await audit('user', user.id)).map((entry) => entry.action)).to.include.members([
        'user.deactivate',
        'user.activate',
      ]);
    });

    it('resets a password: the old one stops working, a generated one is shown once', async () => {
      // given
      const user = (await server.request('GET', '/api/admin/users?q=vocuong.specialist', { token: admin })).body
        .users[0];

      // when
      const reset = await server.request('POST', `/api/admin/users/${user.id}/reset-password`, { token: admin });

      // then
      expect(reset.status).to.equal(200);
      expect(reset.body.temporaryPassword).to.be.a('string').with.length.greaterThan(10);
      const old = await server.request('POST', '/api/auth/login', {
        body: { username: 'vocuong.specialist', password: DEMO_PASSWORD },
      });
      expect(old.status).to.equal(401);
      expect(await server.login('vocuong.specialist', reset.body.temporaryPassword)).to.match(/^mct_/);
      const entries = await audit('user', user.id);
      const entry = entries.find((candidate) => candidate.action === 'user.password_reset');
      expect(entry).to.deep.include({ actorUsername: 'admin' });
      expect(JSON.stringify(entry)).not.to.include(reset.body.temporaryPassword);
    });

    it('changes an official’s roles and groups, and refuses to let an administrator demote or lock themself', async () => {
      const leader = (await server.request('GET', '/api/admin/users?q=kinhbac.leader', { token: admin })).body.users[0];
      const me = (await server.request('GET', '/api/auth/me', { token: admin })).body.user;
      const changed = await server.request('PATCH', `/api/admin/users/${leader.id}`, {
        token: admin,
        body: { roles: ['leader', 'specialist'], groups: ['leader@000.00.12.H10', 'specialist@000.00.12.H10'] },
      });
      const demote = await server.request('PATCH', `/api/admin/users/${me.id}`, {
        token: admin,
        body: { roles: ['designer'] },
      });
      const lock = await server.request('POST', `/api/admin/users/${me.id}/deactivate`, { token: admin });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.user.groups).to.deep.equal(['leader@000.00.12.H10', 'specialist@000.00.12.H10']);
      expect(demote.status).to.equal(400);
      expect(lock.status).to.equal(403);
      const token = await server.login('kinhbac.leader');
      expect((await server.request('GET', '/api/auth/me', { token })).body.user.groupCodes).to.deep.equal([
        'leader@000.00.12.H10',
        'specialist@000.00.12.H10',
      ]);
    });

    it('lists the roles with Vietnamese and English names', async () => {
      const response = await server.request('GET', '/api/admin/roles', { token: admin });
      expect(response.body.roles.map((r: { role: string }) => r.role)).to.deep.equal([
        'citizen',
        'desk',
        'specialist',
        'leader',
        'designer',
        'administrator',
      ]);
      expect(response.body.roles[1].names).to.deep.equal({ vi: 'Cán bộ bộ phận một cửa', en: 'One-stop desk officer' });
    });

    it('refuses every administrator endpoint to officials and designers', async () => {
      const desk = await server.login('kinhbac.desk');
      const designer = await server.login('designer');
      for (const [method, path] of [
        ['GET', '/api/admin/agencies'],
        ['POST', '/api/admin/agencies'],
        ['GET', '/api/admin/groups'],
        ['POST', '/api/admin/users'],
        ['GET', '/api/admin/audit'],
        ['GET', '/api/admin/roles'],
      ]) {
        for (const token of [desk, designer]) {
          const response = await server.request(method, path, { token, body: method === 'POST' ? {} : undefined });
          expect(response.status, `${method} ${path}`).to.equal(403);
        }
      }
    });
  });
}
