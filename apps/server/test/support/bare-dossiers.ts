import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DossierStatus } from '../../src/dossiers/dossier-status.ts';
import { Dossier } from '../../src/dossiers/dossier.entity.ts';

/**
 * Inserts minimal dossier rows (status 1, no code, made-up agency and service ids) for specs of the history and its
 * migration, which need only rows to hang events on. Returns their ids (new ones unless given).
 */
export async function insertBareDossiers(dataSource: DataSource, ...ids: string[]): Promise<string[]> {
  const rows = ids.length > 0 ? ids : [randomUUID()];
  await dataSource.getRepository(Dossier).insert(
    rows.map((id) => ({
      id,
      code: null,
      serviceVersionId: randomUUID(),
      serviceCode: 'test',
      applicantUserId: null,
      submittedByUserId: randomUUID(),
      applicant: { name: 'Nguyễn Văn An' },
      formData: {},
      channel: 'online',
      status: DossierStatus.New,
      agencyId: randomUUID(),
      receivingAgencyId: randomUUID(),
      processVariables: {},
      processInstanceKey: null,
      submittedAt: new Date('2026-01-07T17:30:00Z'),
    })) as QueryDeepPartialEntity<Dossier>[],
  );
  return rows;
}
