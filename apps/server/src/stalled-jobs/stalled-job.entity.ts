import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A job a worker failed for good (retries 0). Zeebe then holds an incident that no gRPC client can
 * list, so the workers record the job here for the administrator's "stalled dossiers" list.
 */
@Entity('stalled_jobs')
@Index('IDX_stalled_jobs_createdAt', ['createdAt'])
export class StalledJob {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  jobKey!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  dossierId!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  processInstanceKey!: string | null;

  @Column({ type: 'varchar', length: 255 })
  elementId!: string;

  /** The element instance of the failed step: retrying restarts it (ModifyProcessInstance). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  elementInstanceKey!: string | null;

  /** The job type, e.g. motcua.sign. */
  @Column({ type: 'varchar', length: 255 })
  type!: string;

  @Column({ type: 'text' })
  errorMessage!: string;

  @CreateDateColumn()
  createdAt!: Date;
}
