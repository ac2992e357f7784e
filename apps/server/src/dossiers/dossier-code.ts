/**
 * The dossier code: `<receiving agency code>-<YYMMDD>-<NNNN>` (Circular 03/2025 as in use, DOMAIN.md "Dossier code"),
 * YYMMDD the Vietnamese date the dossier entered the system, NNNN the agency's daily sequence (more digits after 9999).
 */
export function formatDossierCode(agencyCode: string, day: string, sequence: number): string {
  return `${agencyCode}-${day}-${String(sequence).padStart(4, '0')}`;
}

/** YYMMDD of `at` in Asia/Ho_Chi_Minh (UTC+07:00 all year since 1975). */
export function vietnameseDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(2, 10).replace(/-/g, '');
}

/** `at` as ISO 8601 with the +07:00 offset, e.g. 2026-03-05T17:00:00+07:00 (what BPMN timers and forms read). */
export function isoInVietnam(at: Date): string {
  return `${new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`;
}
