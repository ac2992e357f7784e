import { decodeQR } from '@paulmillr/qr/decode.js';
import { expect } from 'chai';

import { createDocumentRenderer, renderDocumentPdf, type DocumentRenderer } from './render-pdf.ts';
import { pageCount, pdffonts, pdftotext, renderPage, scratch, type Scratch } from '../test/support/poppler.ts';
import { sampleDocument } from '../test/support/sample-document.ts';

const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('renderDocumentPdf', () => {
  let files: Scratch;
  before(async () => (files = await scratch()));
  after(() => files.dispose());

  it('writes Vietnamese text that pdftotext extracts exactly: header, title, body, fields and signer', async () => {
    // given
    const document = sampleDocument();

    // when
    const path = await files.write('receipt.pdf', await renderDocumentPdf(document));

    // then
    const text = flat(await pdftotext(path));
    expect(text).to.include('ỦY BAN NHÂN DÂN TỈNH BẮC NINH');
    expect(text).to.include('ỦY BAN NHÂN DÂN XÃ ĐẠI ĐỒNG');
    expect(text).to.include('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(text).to.include('Độc lập - Tự do - Hạnh phúc');
    expect(text).to.include('Số: 125/GTN-UBND');
    expect(text).to.include('Đại Đồng, ngày 05 tháng 02 năm 2025');
    expect(text).to.include('Giấy tiếp nhận hồ sơ và hẹn trả kết quả Mã hồ sơ: 000.00.12.H10-250205-0001');
    for (const paragraph of document.paragraphs) expect(text).to.include(flat(paragraph));
    expect(text).to.include('Họ và tên người nộp: Nguyễn Văn Ấn');
    expect(text).to.include('Thời gian trả kết quả: 08 giờ 00, ngày 10 tháng 02 năm 2025');
    expect(text).to.include('NGƯỜI TIẾP NHẬN Trần Thị Bích Ngọc');
  });

  it('extracts text given in decomposed form (NFD) as the composed characters', async () => {
    // given
    const document = sampleDocument({ paragraphs: ['Nguyễn Thị Ánh Tuyết, Đắk Lắk'.normalize('NFD')] });

    // when
    const path = await files.write('nfd.pdf', await renderDocumentPdf(document));

    // then
    expect(flat(await pdftotext(path))).to.include('Nguyễn Thị Ánh Tuyết, Đắk Lắk'.normalize('NFC'));
  });

  it('embeds its three fonts as subsets with a Unicode map', async () => {
    // when
    const path = await files.write('fonts.pdf', await renderDocumentPdf(sampleDocument()));

    // then
    const fonts = await pdffonts(path);
    expect(fonts.map((font) => font.name.replace(/^[A-Z]{6}\+/, ''))).to.have.members([
      'DejaVuSerifCondensed',
      'DejaVuSerifCondensed-Bold',
      'DejaVuSerifCondensed-Italic',
    ]);
    for (const font of fonts) {
      expect(font).to.include({ type: 'CID TrueType', embedded: true, subset: true, unicode: true });
    }
  });

  it('dates the document in Asia/Ho_Chi_Minh, with the zero-padding of Decree 30', async () => {
    // given 17:30 UTC on 4 January is already 5 January in Vietnam
    const document = sampleDocument({ issuedAt: new Date('2025-01-04T17:30:00Z'), place: 'Hà Nội' });

    // when
    const path = await files.write('date.pdf', await renderDocumentPdf(document));

    // then
    expect(flat(await pdftotext(path))).to.include('Hà Nội, ngày 05 tháng 01 năm 2025');
  });

  it('flows a long body over several pages, numbering pages from the second, and ends with the signer', async () => {
    // given
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) => `Điều ${i + 1}. Tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành quyết định này kể từ ngày ký.`,
    );
    const document = sampleDocument({ paragraphs });

    // when
    const path = await files.write('long.pdf', await renderDocumentPdf(document));

    // then
    const pages = await pageCount(path);
    expect(pages).to.be.greaterThan(1);
    const text = flat(await pdftotext(path));
    for (const paragraph of paragraphs) expect(text).to.include(paragraph);
    const second = (await pdftotext(path, 2)).trim();
    expect(second.split('\n')[0]).to.equal('2');
    const last = flat(await pdftotext(path, pages));
    expect(last).to.include('NGƯỜI TIẾP NHẬN Trần Thị Bích Ngọc');
  });

  it('breaks a word longer than a line between characters rather than running off the page', async () => {
    // given
    const long = 'https://dichvucong.example.vn/' + 'a'.repeat(200);
    const document = sampleDocument({ paragraphs: [long] });

    // when
    const path = await files.write('long-word.pdf', await renderDocumentPdf(document));

    // then
    expect((await pdftotext(path)).replace(/\s+/g, '')).to.include(long);
  });

  it('draws characters outside its base set (Latin Extended, Greek) as well', async () => {
    // given
    const paragraph = 'Ŵŵ Ŷŷ Œœ Ωμπ ő ű ş';
    const document = sampleDocument({ paragraphs: [paragraph] });

    // when
    const path = await files.write('extended.pdf', await renderDocumentPdf(document));

    // then
    expect(flat(await pdftotext(path))).to.include(paragraph);
  });

  it('prints qrText as a QR code that decodes back to the text', async () => {
    // given
    const qrText = 'https://motcua.example.vn/tra-cuu/000.00.12.H10-250205-0001';

    // when
    const path = await files.write('qr.pdf', await renderDocumentPdf(sampleDocument({ qrText })));

    // then
    expect(decodeQR(await renderPage(path, 1, 100))).to.equal(qrText);
  });

  it('renders the same document to the same bytes, so a retried job produces the same result', async () => {
    // given
    const document = sampleDocument({ qrText: 'HS-1' });

    // when
    const first = await renderDocumentPdf(document);
    const second = await createDocumentRenderer().render(document);

    // then
    expect(Buffer.from(second).equals(Buffer.from(first))).to.equal(true);
  });

  describe('a renderer', () => {
    let renderer: DocumentRenderer;
    before(() => (renderer = createDocumentRenderer()));

    it('renders documents concurrently, each with its own text', async () => {
      // given
      const names = ['Lê Văn Ắt', 'Phạm Thị Ửng', 'Đỗ Quang Ợ', 'Vũ Thị Ỹ'];

      // when
      const pdfs = await Promise.all(
        names.map((name) => renderer.render(sampleDocument({ signer: { title: 'Chủ tịch', name } }))),
      );

      // then
      for (const [i, pdf] of pdfs.entries()) {
        const text = flat(await pdftotext(await files.write(`concurrent-${i}.pdf`, pdf)));
        expect(text).to.include(`CHỦ TỊCH ${names[i]}`);
      }
    });
  });
});
