import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A login: a browser session (cookie `motcua_session`, with its CSRF token) or a bearer token for
 * scripted clients. Only SHA-256 hashes of the secrets are stored. Logout deletes the row.
 */
@Entity('auth_sessions')
export class AuthSession {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** SHA-256 of the CSRF token bound to a browser session; null for bearer tokens. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  csrfHash!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'browser' | 'token';

  /** A label for bearer tokens made with POST /api/auth/tokens. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'datetime', precision: 3 })
  expiresAt!: Date;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;
}
