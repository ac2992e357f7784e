import type { OfficialDocument } from '../../src/render-pdf.ts';

/** Form 01 of Circular 03/2025 (receipt and appointment), as a service would fill it in. */
export function sampleDocument(overrides: Partial<OfficialDocument> = {}): OfficialDocument {
  return {
    parentAgencyName: 'Ủy ban nhân dân\ntỉnh Bắc Ninh',
    agencyName: 'Ủy ban nhân dân\nxã Đại Đồng',
    documentNumber: '125/GTN-UBND',
    place: 'Đại Đồng',
    // 10:00 in Vietnam
    issuedAt: new Date('2025-02-05T03:00:00Z'),
    title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả\nMã hồ sơ: 000.00.12.H10-250205-0001',
    paragraphs: [
      'Bộ phận Tiếp nhận và Trả kết quả Ủy ban nhân dân xã Đại Đồng đã tiếp nhận hồ sơ của ông Nguyễn Văn Ấn ' +
        'về việc đăng ký thành lập hộ kinh doanh; người nộp hồ sơ được hẹn trả kết quả đúng thời hạn.',
      'Chữ tiếng Việt: ắ ằ ẳ ẵ ặ ấ ầ ẩ ẫ ậ ế ề ể ễ ệ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ứ ừ ử ữ ự ơ ư đ Ă Â Đ Ê Ô Ơ Ư ỹ ỵ ỷ ỳ ý.',
    ],
    fields: [
      { label: 'Họ và tên người nộp', value: 'Nguyễn Văn Ấn' },
      { label: 'Thời gian trả kết quả:', value: '08 giờ 00, ngày 10 tháng 02 năm 2025' },
    ],
    signer: { title: 'Người tiếp nhận', name: 'Trần Thị Bích Ngọc' },
    ...overrides,
  };
}
