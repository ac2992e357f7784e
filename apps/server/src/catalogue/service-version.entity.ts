import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { BundleMetadata, JsonSchema } from './bundle.ts';

/**
 * One published version of a service: the deployed BPMN, its forms and metadata, in force from `effectiveFrom`.
 * Immutable once stored; a dossier stays on the version it was submitted under.
 */
@Entity('service_versions')
@Index(['serviceId', 'version'], { unique: true })
export class ServiceVersion {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  serviceId!: string;

  /** 1, 2, ... per service. */
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'varchar', length: 255 })
  bpmnProcessId!: string;

  /** Zeebe's key of the deployed process definition (int64 as a decimal string). */
  @Column({ type: 'varchar', length: 32 })
  processDefinitionKey!: string;

  /** Zeebe's version of the process definition (unchanged when only forms or metadata changed). */
  @Column({ type: 'int' })
  processVersion!: number;

  @Column({ type: 'text' })
  bpmnXml!: string;

  @Column({ type: 'simple-json' })
  metadata!: BundleMetadata;

  @Column({ type: 'simple-json' })
  submissionForm!: JsonSchema;

  /** formKey → JSON Schema of that user task's form. */
  @Column({ type: 'simple-json' })
  taskForms!: Record<string, JsonSchema>;

  /** YYYY-MM-DD in Asia/Ho_Chi_Minh. */
  @Column({ type: 'varchar', length: 10 })
  effectiveFrom!: string;

  @Column({ type: 'datetime', precision: 3 })
  publishedAt!: Date;

  /** The administrator who published it; null for the reference bundles published at start. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  publishedById!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  publishedByUsername!: string | null;

  /** SHA-256 of the bundle's content (BPMN, metadata, forms): the same content is the same version. */
  @Index()
  @Column({ type: 'varchar', length: 64 })
  checksum!: string;
}
