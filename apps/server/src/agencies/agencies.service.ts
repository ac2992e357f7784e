import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { todayInVietnam } from '../common/input.ts';
import { Agency } from './agency.entity.ts';

/** Agency look-ups shared by every role (routing a dossier, codes, notifications). */
@Injectable()
export class AgenciesService {
  constructor(@InjectRepository(Agency) private readonly agencies: Repository<Agency>) {}

  findById(id: string): Promise<Agency | null> {
    return this.agencies.findOne({ where: { id } });
  }

  findByCode(code: string): Promise<Agency | null> {
    return this.agencies.findOne({ where: { code } });
  }

  /** Every agency, by code. */
  all(): Promise<Agency[]> {
    return this.agencies.find({ order: { code: 'ASC' } });
  }

  /** Agencies in force on a date (YYYY-MM-DD, Asia/Ho_Chi_Minh; today by default). */
  async effectiveAt(date: string = todayInVietnam()): Promise<Agency[]> {
    return (await this.all()).filter((agency) => isEffective(agency, date));
  }

  /**
   * The agency with `role` (e.g. commune-people-committee, commune-police, social-insurance) that
   * serves the place of a dossier, given as the agency code of a commune (or of any agency in it):
   * first the place itself or an agency whose jurisdiction is the place, then the same up the tree
   * (the province). Null when none is in force on the date.
   */
  async resolveByRole(role: string, placeCode: string, date: string = todayInVietnam()): Promise<Agency | null> {
    const agencies = await this.effectiveAt(date);
    const byId = new Map(agencies.map((agency) => [agency.id, agency]));
    let place = agencies.find((agency) => agency.code === placeCode);
    // An agency that serves a commune (e.g. its police) stands for that commune.
    if (place?.jurisdictionId && byId.has(place.jurisdictionId)) place = byId.get(place.jurisdictionId);
    while (place) {
      const current: Agency = place;
      const found = agencies.find(
        (agency) => agency.role === role && (agency.id === current.id || agency.jurisdictionId === current.id),
      );
      if (found) return found;
      place = current.parentId ? byId.get(current.parentId) : undefined;
    }
    return null;
  }
}

export function isEffective(agency: Pick<Agency, 'effectiveFrom' | 'effectiveTo'>, date: string): boolean {
  return agency.effectiveFrom <= date && (agency.effectiveTo === null || agency.effectiveTo >= date);
}
