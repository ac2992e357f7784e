import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { timingSafeEqual } from 'node:crypto';
import type { Localized } from '../catalogue/bundle.ts';
import { DomainError } from '../common/domain-error.ts';
import { entityColumn, entitySelection, preparedSelect } from '../database/prepared-select.ts';
import type { RawRow, Selection, SqlValue } from '../database/prepared-select.ts';
import { DossierCatalogue } from './dossier-catalogue.ts';
import { DossierEvent } from './dossier-event.entity.ts';
import { DOSSIER_STATUS_NAMES } from './dossier-status.ts';
import type { DossierStatus } from './dossier-status.ts';
import { Dossier } from './dossier.entity.ts';
import type { DossierEventView } from './dossiers.service.ts';

export interface TrackingView {
  code: string;
  serviceCode: string;
  serviceName: Localized | null;
  status: number;
  statusName: Localized;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  returnedAt: Date | null;
  overdue: boolean;
  timeline: DossierEventView[];
}

/** The columns a lookup reads: no form data, no process variables (the dossier row's bulk), no applicant. */
const DOSSIER_COLUMNS = [
  'code',
  'serviceVersionId',
  'serviceCode',
  'status',
  'submittedAt',
  'receivedAt',
  'dueAt',
  'finishedAt',
  'returnedAt',
  'overdue',
] as const satisfies readonly (keyof Dossier)[];
const EVENT_COLUMNS = [
  'seq',
  'type',
  'status',
  'at',
  'messageVi',
  'messageEn',
] as const satisfies readonly (keyof DossierEvent)[];

/**
 * Public tracking (`GET /api/track/:code?phone=<last 4 digits>`): one prepared query reads the dossier's tracking
 * columns by its unique code (IDX_dossiers_code) with its public events joined (indexes on dossierId), and the service
 * name comes from the catalogue's cache of published versions. Loading the dossier and its version as entities (form
 * data, process variables, BPMN, forms parsed) was most of a lookup's CPU. The second factor is the last 4 digits of
 * the applicant's phone: an unknown code and wrong digits give the same 404 (compared in constant time), so codes
 * cannot be probed.
 */
@Injectable()
export class DossierTracking {
  private readonly dossier: Selection<(typeof DOSSIER_COLUMNS)[number]>;
  private readonly event: Selection<(typeof EVENT_COLUMNS)[number]>;
  private readonly lookup: (params: SqlValue[]) => Promise<RawRow[]>;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(DossierCatalogue) private readonly catalogue: DossierCatalogue,
  ) {
    const escape = (name: string): string => dataSource.driver.escape(name);
    const dossiers = dataSource.getMetadata(Dossier);
    const events = dataSource.getMetadata(DossierEvent);
    const d = (property: string): string => `d.${escape(entityColumn(dossiers, property).databaseName)}`;
    const e = (property: string): string => `e.${escape(entityColumn(events, property).databaseName)}`;
    this.dossier = entitySelection(dataSource, dossiers, 'd', '', DOSSIER_COLUMNS);
    this.event = entitySelection(dataSource, events, 'e', 'event_', EVENT_COLUMNS);
    // Of the applicant, only the phone: JSON_EXTRACT is SQLite's, MySQL's and MariaDB's (MariaDB alone answers the
    // JSON text, "0912…" with its quotes; only the digits are kept below anyway).
    const phone = `JSON_EXTRACT(${d('applicant')}, '$.phone') AS ${escape('applicantPhone')}`;
    // One row per public event (one row with null event columns when there is none). Not ordered here: MariaDB
    // sorts a LEFT JOIN on the joined table's columns through a temporary table (~10 % of the query's time), while
    // a timeline is a few rows, put in order below.
    this.lookup = preparedSelect(
      dataSource,
      `SELECT ${this.dossier.sql}, ${phone}, ${this.event.sql} FROM ${escape(dossiers.tableName)} d ` +
        `LEFT JOIN ${escape(events.tableName)} e ON ${e('dossierId')} = ${d('id')} AND ${e('isPublic')} = 1 ` +
        `WHERE ${d('code')} = ?`,
    );
  }

  async track(code: string, phoneDigits: unknown): Promise<TrackingView> {
    const digits = typeof phoneDigits === 'string' ? phoneDigits.trim() : '';
    if (!/^\d{4}$/.test(digits)) {
      throw DomainError.validation([
        { field: 'phone', message: 'Nhập 4 số cuối điện thoại / Enter the last 4 digits of the phone number' },
      ]);
    }
    // Longer than the column: no such code, and no query.
    const rows = code.length <= 64 ? await this.lookup([code]) : [];
    const dossier = rows.length > 0 ? this.dossier.hydrate(rows[0]) : undefined;
    const phone = dossier ? String(rows[0].applicantPhone ?? '').replace(/\D/g, '') : '';
    const expected = Buffer.from(phone.length >= 4 ? phone.slice(-4) : '----');
    const matches = timingSafeEqual(expected, Buffer.from(digits));
    if (!dossier || !matches) {
      throw new DomainError(
        'NOT_FOUND',
        'Không tìm thấy hồ sơ với mã và số điện thoại đã nhập',
        'No dossier with this code and phone number',
      );
    }
    const status = dossier.status as DossierStatus;
    const events = rows
      .filter((raw) => raw.event_seq !== null && raw.event_seq !== undefined)
      .map((raw) => this.event.hydrate(raw));
    // Append order (`at` has ties: the events of one step share a millisecond).
    events.sort((a, b) => (a.seq as number) - (b.seq as number));
    const timeline = events.map((event): DossierEventView => {
      const messageVi = event.messageVi as string;
      const messageEn = event.messageEn as string;
      return {
        type: event.type as string,
        status: event.status as number | null,
        at: event.at as Date,
        message: `${messageVi} / ${messageEn}`,
        messageVi,
        messageEn,
      };
    });
    return {
      code: dossier.code as string,
      serviceCode: dossier.serviceCode as string,
      // Published versions are cached by the catalogue: no query after the first lookup of a version.
      serviceName: (await this.catalogue.versionById(dossier.serviceVersionId as string))?.metadata.names ?? null,
      status,
      statusName: DOSSIER_STATUS_NAMES[status],
      submittedAt: dossier.submittedAt as Date,
      receivedAt: dossier.receivedAt as Date | null,
      dueAt: dossier.dueAt as Date | null,
      finishedAt: dossier.finishedAt as Date | null,
      returnedAt: dossier.returnedAt as Date | null,
      overdue: dossier.overdue as boolean,
      timeline,
    };
  }
}
