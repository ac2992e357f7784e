import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DossierStatus } from './dossier-status.ts';

export type DossierChannel = 'online' | 'counter';

/** Who applies: the citizen or business the dossier is about (contact for notifications and tracking). */
export interface Applicant {
  name: string;
  phone?: string;
  email?: string;
  idNumber?: string;
}

/**
 * A dossier (hồ sơ): form data, attachments, channel, status 1–10 and the legal dates. The status and its history are
 * a read model kept by the api and the workers; Zeebe is never asked for them.
 */
@Entity('dossiers')
@Index('IDX_dossiers_submitter_idempotency', ['submittedByUserId', 'idempotencyKey'], { unique: true })
@Index('IDX_dossiers_applicant', ['applicantUserId', 'submittedAt'])
export class Dossier {
  /** UUID generated in code. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** `<receiving agency code>-<YYMMDD>-<NNNN>`, issued by motcua.intake; never changes afterwards. */
  @Index('IDX_dossiers_code', { unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  code!: string | null;

  @Column({ type: 'varchar', length: 36 })
  serviceVersionId!: string;

  @Column({ type: 'varchar', length: 64 })
  serviceCode!: string;

  /** The citizen who submitted online; null for a counter intake. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  applicantUserId!: string | null;

  /** Who submitted: the citizen online, the desk officer at the counter (idempotency keys are scoped by it). */
  @Column({ type: 'varchar', length: 36 })
  submittedByUserId!: string;

  @Column({ type: 'simple-json' })
  applicant!: Applicant;

  @Column({ type: 'simple-json' })
  formData!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  channel!: DossierChannel;

  @Column({ type: 'int' })
  status!: DossierStatus;

  /** The competent agency (legal authority of the service). */
  @Index('IDX_dossiers_agency')
  @Column({ type: 'varchar', length: 36 })
  agencyId!: string;

  /** The agency whose desk received the dossier; its code prefixes the dossier code. */
  @Column({ type: 'varchar', length: 36 })
  receivingAgencyId!: string;

  /** Variables the process instance was (or will be) started with, kept so a failed start can be retried as is. */
  @Column({ type: 'simple-json' })
  processVariables!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 32, nullable: true })
  processInstanceKey!: string | null;

  /** Why the process instance could not be started yet (retried by the process starter); null once started. */
  @Column({ type: 'varchar', length: 1000, nullable: true })
  processStartError!: string | null;

  @Column({ type: 'int', default: 0 })
  processStartAttempts!: number;

  @Column({ type: 'varchar', length: 128, nullable: true })
  idempotencyKey!: string | null;

  /** 'requested' while the desk waits for the citizen, 'submitted' once the citizen answered (until recorded). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  supplementState!: 'requested' | 'submitted' | null;

  /** How many supplement requests so far (makes each supplement message id unique). */
  @Column({ type: 'int', default: 0 })
  supplementCount!: number;

  @Column({ type: 'datetime', precision: 3 })
  submittedAt!: Date;

  /** Accepted at the desk (form 01): the legal clock starts. */
  @Column({ type: 'datetime', precision: 3, nullable: true })
  receivedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  returnedAt!: Date | null;

  @Column({ type: 'datetime', precision: 3, nullable: true })
  withdrawnAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  overdue!: boolean;

  /** The signed result (an Attachment of kind 'result'). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  resultDocumentId!: string | null;

  /** Path of the signed result under the data dir's files/. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  resultDocumentPath!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  resultDocumentSha256!: string | null;

  @CreateDateColumn()
  createdAt!: Date;

  @UpdateDateColumn()
  updatedAt!: Date;
}
