import { expect } from 'chai';
import { sanitiseFileName } from './file-name.ts';
import { detectMediaType } from './media-type.ts';

describe('attachment checks', () => {
  describe('the media type, from the bytes', () => {
    const cases: { what: string; bytes: number[] | string; expected: string | undefined }[] = [
      { what: 'a PDF', bytes: '%PDF-1.7\n', expected: 'application/pdf' },
      { what: 'a JPEG', bytes: [0xff, 0xd8, 0xff, 0xe0, 0, 0x10], expected: 'image/jpeg' },
      { what: 'a PNG', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0], expected: 'image/png' },
      { what: 'a GIF', bytes: 'GIF89a', expected: undefined },
      { what: 'an HTML page named .pdf', bytes: '<html>%PDF-', expected: undefined },
      { what: 'a truncated PNG signature', bytes: [0x89, 0x50, 0x4e], expected: undefined },
      { what: 'nothing', bytes: [], expected: undefined },
    ];
    for (const { what, bytes, expected } of cases) {
      it(`is ${expected ?? 'refused'} for ${what}`, () => {
        const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
        expect(detectMediaType(buffer)?.mediaType).to.equal(expected);
      });
    }
  });

  describe('the file name', () => {
    const cases: { given: string; type: 'application/pdf' | 'image/jpeg' | 'image/png'; expected: string }[] = [
      { given: 'Đơn đề nghị.pdf', type: 'application/pdf', expected: 'Đơn đề nghị.pdf' },
      { given: '../../etc/passwd', type: 'application/pdf', expected: 'passwd.pdf' },
      { given: 'C:\\Users\\an\\Giấy tờ.PDF', type: 'application/pdf', expected: 'Giấy tờ.PDF' },
      { given: 'ảnh\u202egpj.exe', type: 'image/jpeg', expected: 'ảnhgpj.exe.jpg' },
      { given: 'tab\tand\nnewline.png', type: 'image/png', expected: 'tab and newline.png' },
      { given: '<script>"x"|?*.pdf', type: 'application/pdf', expected: 'scriptx.pdf' },
      { given: '...hidden.pdf', type: 'application/pdf', expected: 'hidden.pdf' },
      { given: '', type: 'image/png', expected: 'tep-dinh-kem.png' },
      { given: 'photo.jpeg', type: 'image/jpeg', expected: 'photo.jpeg' },
      // decomposed Vietnamese (macOS) becomes precomposed
      { given: 'Nguye\u0302\u0303n.pdf', type: 'application/pdf', expected: 'Nguyễn.pdf' },
    ];
    for (const { given, type, expected } of cases) {
      it(`makes ${JSON.stringify(given)} ${JSON.stringify(expected)}`, () => {
        expect(sanitiseFileName(given, type)).to.equal(expected);
      });
    }

    it('keeps at most 180 characters and the extension', () => {
      const name = sanitiseFileName(`${'ư'.repeat(300)}.pdf`, 'application/pdf');
      expect([...name]).to.have.length(180);
      expect(name.endsWith('.pdf')).to.equal(true);
    });
  });
});
