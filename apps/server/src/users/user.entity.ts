import { Column, CreateDateColumn, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Group } from './group.entity.ts';

export const USER_ROLES = ['citizen', 'desk', 'specialist', 'leader', 'designer', 'administrator'] as const;
export type UserRole = (typeof USER_ROLES)[number];

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  @Column({ type: 'varchar', length: 100 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 255 })
  fullName!: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ type: 'simple-json' })
  roles!: UserRole[];

  /** The agency an official works for; null for citizens. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  agencyId!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @ManyToMany(() => Group)
  @JoinTable({ name: 'user_groups', joinColumn: { name: 'userId' }, inverseJoinColumn: { name: 'groupId' } })
  groups!: Group[];

  @CreateDateColumn()
  createdAt!: Date;
}
