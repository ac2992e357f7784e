import { expect } from 'chai';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';

import { lookupDict, withPdfStructure } from './pdf-reader.ts';

async function onePagePdf(useObjectStreams: boolean): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage();
  pdf.setTitle('Bản sao');
  return pdf.save({ useObjectStreams });
}

const catalogType = (pdf: Uint8Array) =>
  withPdfStructure(pdf, (structure) => lookupDict(structure, structure.root)?.get(PDFName.of('Type')));

describe('withPdfStructure', () => {
  it('reads the catalog, trailer and next free object number through cross-reference tables', async () => {
    // given
    const pdf = await onePagePdf(false);

    // when
    const read = await withPdfStructure(pdf, (structure) => ({
      catalog: lookupDict(structure, structure.root),
      info: lookupDict(structure, structure.info),
      next: structure.nextObjectNumber,
      lastXref: structure.lastXref,
    }));

    // then
    expect(read.catalog?.get(PDFName.of('Type'))).to.equal(PDFName.of('Catalog'));
    expect(read.info).to.be.instanceOf(PDFDict);
    expect(read.next).to.be.greaterThan(3);
    expect(read.lastXref.isStream).to.equal(false);
  });

  it('reads a file with cross-reference and object streams by parsing it whole', async () => {
    // given
    const pdf = await onePagePdf(true);

    // when
    const read = await withPdfStructure(pdf, (structure) => ({
      type: lookupDict(structure, structure.root)?.get(PDFName.of('Type')),
      lastXref: structure.lastXref,
      next: structure.nextObjectNumber,
    }));

    // then
    expect(read.type).to.equal(PDFName.of('Catalog'));
    expect(read.lastXref.isStream).to.equal(true);
    // the object stream and the cross-reference stream have numbers too, though the parser does not keep them
    const size = Number(/\/Size (\d+)/.exec(Buffer.from(pdf).toString('latin1'))![1]);
    expect(read.next).to.equal(size);
  });

  it('falls back to the full parse when the table offsets are wrong', async () => {
    // given bytes inserted after the header shift every object away from its recorded offset
    const pdf = Buffer.from(await onePagePdf(false));
    const damaged = Buffer.concat([pdf.subarray(0, 9), Buffer.from('% inserted comment\n'), pdf.subarray(9)]);
    const startxref = damaged.lastIndexOf('startxref');
    const fixed = Buffer.concat([
      damaged.subarray(0, startxref),
      Buffer.from(`startxref\n${damaged.indexOf('\nxref') + 1}\n%%EOF\n`),
    ]);

    // when
    const type = await catalogType(fixed);

    // then
    expect(type).to.equal(PDFName.of('Catalog'));
  });

  it('refuses a file without startxref', async () => {
    // given
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');

    // when
    const error = await catalogType(pdf).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // then
    expect(String(error)).to.include('no startxref');
  });
});
