import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { AuditEntry } from './audit-entry.entity.ts';

/** Who acted: a logged-in user (anything with id and username) or null for the system. */
export interface AuditActor {
  id: string;
  username: string;
}

export interface AuditRecord {
  actor: AuditActor | null;
  /** Dotted verb, e.g. `agency.create`. */
  action: string;
  /** Kind of entity, e.g. `agency`. */
  entity: string;
  entityId?: string | null;
  /** What changed; never passwords or tokens. */
  data?: unknown;
  ip?: string | null;
}

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  action?: string;
  actorId?: string;
  limit?: number;
}

@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntry) private readonly entries: Repository<AuditEntry>) {}

  /**
   * Appends one audit entry. Pass the transaction's EntityManager so the entry is written (or not)
   * together with the change it describes.
   */
  async record(record: AuditRecord, manager?: EntityManager): Promise<AuditEntry> {
    const repository = manager ? manager.getRepository(AuditEntry) : this.entries;
    const entry = repository.create({
      at: new Date(),
      actorId: record.actor?.id ?? null,
      actorUsername: record.actor?.username ?? null,
      action: record.action,
      entity: record.entity,
      entityId: record.entityId ?? null,
      data: record.data ?? null,
      ip: record.ip ?? null,
    });
    return repository.save(entry);
  }

  /** Newest first. */
  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: FindOptionsWhere<AuditEntry> = {};
    if (query.entity) where.entity = query.entity;
    if (query.entityId) where.entityId = query.entityId;
    if (query.action) where.action = query.action;
    if (query.actorId) where.actorId = query.actorId;
    return this.entries.find({ where, order: { at: 'DESC' }, take: Math.min(query.limit ?? 100, 1000) });
  }
}
