/**
 * A dossier's status, with the national codes the National Public Service Portal synchronises (DOMAIN.md, "Statuses").
 */
export const DossierStatus = {
  New: 1,
  Received: 2,
  NotReceived: 3,
  Processing: 4,
  SupplementRequested: 5,
  FinancialObligation: 6,
  Withdrawn: 7,
  Stopped: 8,
  Done: 9,
  Returned: 10,
} as const;
export type DossierStatus = (typeof DossierStatus)[keyof typeof DossierStatus];

export const DOSSIER_STATUS_NAMES: Readonly<Record<DossierStatus, { vi: string; en: string }>> = {
  1: { vi: 'Mới nộp', en: 'Submitted' },
  2: { vi: 'Đã tiếp nhận', en: 'Received' },
  3: { vi: 'Không tiếp nhận', en: 'Not received (refused)' },
  4: { vi: 'Đang xử lý', en: 'Processing' },
  5: { vi: 'Yêu cầu bổ sung', en: 'Supplement requested' },
  6: { vi: 'Thực hiện nghĩa vụ tài chính', en: 'Financial obligation' },
  7: { vi: 'Đã rút hồ sơ', en: 'Withdrawn' },
  8: { vi: 'Dừng xử lý', en: 'Stopped' },
  9: { vi: 'Đã có kết quả', en: 'Result ready' },
  10: { vi: 'Đã trả kết quả', en: 'Result returned' },
};

/** Statuses after which nothing changes any more: workers leave such a dossier as it is. */
export const FINAL_STATUSES: ReadonlySet<DossierStatus> = new Set([
  DossierStatus.NotReceived,
  DossierStatus.Withdrawn,
  DossierStatus.Stopped,
  DossierStatus.Returned,
]);

/** A citizen may withdraw until the result is ready. */
export const WITHDRAWABLE_STATUSES: ReadonlySet<DossierStatus> = new Set([
  DossierStatus.New,
  DossierStatus.Received,
  DossierStatus.Processing,
  DossierStatus.SupplementRequested,
  DossierStatus.FinancialObligation,
]);

/**
 * Statuses in which the dossier's signed document is the applicant's to download: the result (9, 10), or the signed
 * notice of a stopped dossier (8, form 05).
 */
export const SIGNED_DOCUMENT_STATUSES: ReadonlySet<DossierStatus> = new Set([
  DossierStatus.Stopped,
  DossierStatus.Done,
  DossierStatus.Returned,
]);
