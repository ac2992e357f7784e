import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type AttachmentKind = 'submission' | 'supplement' | 'result';
export type AttachmentMediaType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** A file of a dossier: what the applicant attached, or the signed result. The bytes live under the data dir. */
@Entity('attachments')
@Index('IDX_attachments_dossier', ['dossierId', 'createdAt'])
export class Attachment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  dossierId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: AttachmentKind;

  /** The required document it answers (a requiredDocuments code of the service), from the upload's field name. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  documentCode!: string | null;

  /** Sanitised: no path, no control characters; Vietnamese letters kept. */
  @Column({ type: 'varchar', length: 255 })
  fileName!: string;

  /** Detected from the content (magic bytes), never from the name or the client's header. */
  @Column({ type: 'varchar', length: 64 })
  mediaType!: AttachmentMediaType;

  @Column({ type: 'int' })
  size!: number;

  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  /** Relative to `<data dir>/files`. */
  @Column({ type: 'varchar', length: 500 })
  storagePath!: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  uploadedByUserId!: string | null;

  @CreateDateColumn()
  createdAt!: Date;
}
