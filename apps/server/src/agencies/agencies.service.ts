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
   * serves the place of a dossier, given as the agency code of a commune (or of any agency serving
   * it): first an agency serving that commune, then one serving the province. Every agency serves a
   * territory: its jurisdiction when set, else itself for a commune or province, else its parent's
   * (a department serves the province). Null when none is in force on the date.
   */
  async resolveByRole(role: string, placeCode: string, date: string = todayInVietnam()): Promise<Agency | null> {
    const agencies = await this.effectiveAt(date);
    const byId = new Map(agencies.map((agency) => [agency.id, agency]));
    const territory = (agency: Agency | undefined, depth = 0): Agency | undefined => {
      if (!agency || depth > 50) return undefined;
      if (agency.jurisdictionId) return byId.get(agency.jurisdictionId);
      if (agency.level !== 'department') return agency;
      return territory(agency.parentId ? byId.get(agency.parentId) : undefined, depth + 1);
    };
    let place = territory(agencies.find((agency) => agency.code === placeCode));
    for (let depth = 0; place && depth < 50; depth++) {
      const current: Agency = place;
      const found = agencies.find((agency) => agency.role === role && territory(agency)?.id === current.id);
      if (found) return found;
      place = territory(current.parentId ? byId.get(current.parentId) : undefined);
    }
    return null;
  }
}

export function isEffective(agency: Pick<Agency, 'effectiveFrom' | 'effectiveTo'>, date: string): boolean {
  return agency.effectiveFrom <= date && (agency.effectiveTo === null || agency.effectiveTo >= date);
}
