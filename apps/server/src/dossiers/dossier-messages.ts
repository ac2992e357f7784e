import { formatDateVi } from '@motcua/calendar';

/** Texts of the notifications dossiers send: Vietnamese first, English second. */
export interface MessageText {
  subject: { vi: string; en: string };
  body: { vi: string; en: string };
}

const WEEKDAYS_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `17:00, Thursday 8 January 2026` in Asia/Ho_Chi_Minh (UTC+07:00 all year). */
export function formatDateEn(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const time = local.toISOString().slice(11, 16);
  return `${time}, ${WEEKDAYS_EN[local.getUTCDay()]} ${local.getUTCDate()} ${MONTHS_EN[local.getUTCMonth()]} ${local.getUTCFullYear()}`;
}

export function formatDateViLong(at: Date): string {
  return formatDateVi(at, { time: true, weekday: true });
}

interface DossierRef {
  code: string;
  serviceName: { vi: string; en: string };
  applicantName: string;
}

const greeting = (dossier: DossierRef): { vi: string; en: string } => ({
  vi: `Kính gửi ông/bà ${dossier.applicantName},`,
  en: `Dear ${dossier.applicantName},`,
});

export function codeIssuedMessage(dossier: DossierRef, trackingUrl: string): MessageText {
  const hello = greeting(dossier);
  return {
    subject: { vi: `Mã hồ sơ ${dossier.code}`, en: `Dossier code ${dossier.code}` },
    body: {
      vi: `${hello.vi}\n\nHồ sơ "${dossier.serviceName.vi}" của ông/bà đã vào hệ thống với mã hồ sơ ${dossier.code}. Bộ phận một cửa sẽ kiểm tra và tiếp nhận hồ sơ; thời hạn giải quyết được tính từ khi tiếp nhận.\n\nTra cứu tình trạng hồ sơ: ${trackingUrl} (mã hồ sơ và 4 số cuối điện thoại).`,
      en: `${hello.en}\n\nYour dossier "${dossier.serviceName.en}" has entered the system with the code ${dossier.code}. The one-stop desk will check and accept it; the legal processing time runs from acceptance.\n\nTrack it at ${trackingUrl} (dossier code and the last 4 digits of your phone number).`,
    },
  };
}

export function acceptedMessage(dossier: DossierRef, receivedAt: Date, dueAt: Date, feeVnd?: number): MessageText {
  const hello = greeting(dossier);
  const fee =
    feeVnd === undefined
      ? { vi: '', en: '' }
      : {
          vi: `\nPhí, lệ phí: ${feeVnd.toLocaleString('vi-VN')} đồng.`,
          en: `\nFees: ${feeVnd.toLocaleString('en-GB')} VND.`,
        };
  return {
    subject: {
      vi: `Tiếp nhận hồ sơ ${dossier.code} - hẹn trả kết quả ${formatDateVi(dueAt)}`,
      en: `Dossier ${dossier.code} accepted - result due ${formatDateEn(dueAt).split(', ')[1]}`,
    },
    body: {
      vi: `${hello.vi}\n\nHồ sơ ${dossier.code} ("${dossier.serviceName.vi}") đã được tiếp nhận lúc ${formatDateViLong(receivedAt)}.\nNgày hẹn trả kết quả: ${formatDateViLong(dueAt)}.${fee.vi}`,
      en: `${hello.en}\n\nDossier ${dossier.code} ("${dossier.serviceName.en}") was accepted at ${formatDateEn(receivedAt)}.\nThe result is due by ${formatDateEn(dueAt)} (Vietnam time).${fee.en}`,
    },
  };
}

export function supplementRequestedMessage(dossier: DossierRef, note: string): MessageText {
  const hello = greeting(dossier);
  return {
    subject: { vi: `Yêu cầu bổ sung hồ sơ ${dossier.code}`, en: `Supplement requested for dossier ${dossier.code}` },
    body: {
      vi: `${hello.vi}\n\nHồ sơ ${dossier.code} cần bổ sung, hoàn thiện như sau:\n\n${note}\n\nVui lòng bổ sung một lần, đầy đủ các nội dung trên. Thời hạn giải quyết tạm dừng cho đến khi ông/bà bổ sung.`,
      en: `${hello.en}\n\nDossier ${dossier.code} needs the following supplement:\n\n${note}\n\nPlease supply everything listed at once. The processing time is paused until you do.`,
    },
  };
}

export function refusedMessage(dossier: DossierRef, reason: string): MessageText {
  const hello = greeting(dossier);
  return {
    subject: { vi: `Từ chối tiếp nhận hồ sơ ${dossier.code}`, en: `Dossier ${dossier.code} not accepted` },
    body: {
      vi: `${hello.vi}\n\nHồ sơ ${dossier.code} ("${dossier.serviceName.vi}") không được tiếp nhận giải quyết.\nLý do: ${reason}`,
      en: `${hello.en}\n\nDossier ${dossier.code} ("${dossier.serviceName.en}") was not accepted for processing.\nReason: ${reason}`,
    },
  };
}

export function overdueMessage(dossier: DossierRef, leaderName: string, dueAt: Date | null): MessageText {
  const due = dueAt ? { vi: formatDateViLong(dueAt), en: formatDateEn(dueAt) } : { vi: '(không rõ)', en: '(unknown)' };
  return {
    subject: { vi: `Hồ sơ ${dossier.code} đã quá hạn`, en: `Dossier ${dossier.code} is overdue` },
    body: {
      vi: `Kính gửi ${leaderName},\n\nHồ sơ ${dossier.code} ("${dossier.serviceName.vi}", người nộp ${dossier.applicantName}) đã quá hạn giải quyết (hạn: ${due.vi}). Đề nghị chỉ đạo xử lý và lập văn bản xin lỗi, hẹn lại ngày trả kết quả (mẫu 04).`,
      en: `Dear ${leaderName},\n\nDossier ${dossier.code} ("${dossier.serviceName.en}", applicant ${dossier.applicantName}) is past its due date (${due.en}). Please see to it and issue the apology with a new appointment date (form 04).`,
    },
  };
}

export function returnedMessage(dossier: DossierRef, downloadUrl: string): MessageText {
  const hello = greeting(dossier);
  return {
    subject: { vi: `Trả kết quả hồ sơ ${dossier.code}`, en: `Result of dossier ${dossier.code}` },
    body: {
      vi: `${hello.vi}\n\nHồ sơ ${dossier.code} ("${dossier.serviceName.vi}") đã có kết quả, được ký số. Ông/bà tải kết quả tại: ${downloadUrl} (đăng nhập bằng tài khoản đã nộp hồ sơ).`,
      en: `${hello.en}\n\nThe result of dossier ${dossier.code} ("${dossier.serviceName.en}") is ready and digitally signed. Download it at ${downloadUrl} (log in with the account that submitted the dossier).`,
    },
  };
}

export function financialObligationMessage(
  dossier: DossierRef,
  amountVnd: number | undefined,
  items: { vi: string; en: string } | undefined,
): MessageText {
  const hello = greeting(dossier);
  const amount =
    amountVnd === undefined
      ? { vi: 'theo thông báo của cơ quan giải quyết', en: 'as the competent agency notifies you' }
      : { vi: `${amountVnd.toLocaleString('vi-VN')} đồng`, en: `${amountVnd.toLocaleString('en-GB')} VND` };
  const what = items ? { vi: ` (${items.vi})`, en: ` (${items.en})` } : { vi: '', en: '' };
  return {
    subject: {
      vi: `Thực hiện nghĩa vụ tài chính cho hồ sơ ${dossier.code}`,
      en: `Payment due for dossier ${dossier.code}`,
    },
    body: {
      vi: `${hello.vi}\n\nĐể tiếp tục giải quyết hồ sơ ${dossier.code} ("${dossier.serviceName.vi}"), ông/bà cần thực hiện nghĩa vụ tài chính: ${amount.vi}${what.vi}.\n\nCách nộp: nộp tại bộ phận một cửa hoặc thanh toán trực tuyến trên Cổng Dịch vụ công, ghi rõ mã hồ sơ ${dossier.code}; giữ biên lai để đối chiếu. Hồ sơ được tiếp tục giải quyết ngay khi cơ quan ghi nhận khoản nộp.`,
      en: `${hello.en}\n\nBefore dossier ${dossier.code} ("${dossier.serviceName.en}") can be processed further, you need to pay: ${amount.en}${what.en}.\n\nHow to pay: at the one-stop desk, or online through the Public Service Portal, quoting the dossier code ${dossier.code}; keep the receipt. Processing resumes as soon as the agency records the payment.`,
    },
  };
}

export function stoppedMessage(dossier: DossierRef, reason: string, noticeUrl: string | undefined): MessageText {
  const hello = greeting(dossier);
  const notice = noticeUrl
    ? {
        vi: `\n\nThông báo dừng giải quyết hồ sơ (mẫu 05, đã ký số): ${noticeUrl} (đăng nhập bằng tài khoản đã nộp hồ sơ).`,
        en: `\n\nThe notice of stopped processing (form 05, digitally signed): ${noticeUrl} (log in with the account that submitted the dossier).`,
      }
    : { vi: '', en: '' };
  return {
    subject: { vi: `Dừng giải quyết hồ sơ ${dossier.code}`, en: `Processing of dossier ${dossier.code} stopped` },
    body: {
      vi: `${hello.vi}\n\nCơ quan có thẩm quyền đã dừng giải quyết hồ sơ ${dossier.code} ("${dossier.serviceName.vi}").\nLý do: ${reason}${notice.vi}\n\nÔng/bà có quyền khiếu nại, khởi kiện theo quy định của pháp luật.`,
      en: `${hello.en}\n\nThe competent agency has stopped processing dossier ${dossier.code} ("${dossier.serviceName.en}").\nReason: ${reason}${notice.en}\n\nYou may complain or sue as the law provides.`,
    },
  };
}
