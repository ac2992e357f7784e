import { expect } from 'chai';

import {
  childrenOf,
  decodeOid,
  fromPem,
  integer,
  namedBits,
  octetString,
  oid,
  readElement,
  sequence,
  setOf,
  toPem,
  x509Time,
} from './der.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('DER', () => {
  it('encodes object identifiers, including arcs above 127', () => {
    expect(hex(oid('1.2.840.113549.1.7.2'))).to.equal('06092a864886f70d010702');
    expect(hex(oid('2.5.29.15'))).to.equal('0603551d0f');
    expect(decodeOid(readElement(oid('1.2.840.113549.1.9.16.2.47')))).to.equal('1.2.840.113549.1.9.16.2.47');
  });

  it('encodes integers in the fewest bytes, with a zero byte before a set high bit', () => {
    expect(hex(integer(0))).to.equal('020100');
    expect(hex(integer(127))).to.equal('02017f');
    expect(hex(integer(128))).to.equal('02020080');
    expect(hex(integer(Uint8Array.of(0, 0, 0x12)))).to.equal('020112');
    expect(hex(integer(Uint8Array.of(0xff, 0x01)))).to.equal('020300ff01');
  });

  it('encodes lengths above 127 in the long form', () => {
    const element = octetString(new Uint8Array(300));
    expect(hex(element.subarray(0, 4))).to.equal('0482012c');
    expect(readElement(element).content.length).to.equal(300);
  });

  it('encodes named bits without trailing zero bits (KeyUsage)', () => {
    expect(hex(namedBits([0, 1]))).to.equal('030206c0'); // digitalSignature, nonRepudiation
    expect(hex(namedBits([0, 5, 6]))).to.equal('03020186'); // + keyCertSign, cRLSign
    expect(hex(namedBits([8]))).to.equal('0303070080'); // decipherOnly
  });

  it('orders a SET OF by the encodings of its elements', () => {
    const set = setOf([octetString(Uint8Array.of(2)), octetString(Uint8Array.of(1)), integer(5)]);
    expect(childrenOf(readElement(set)).map((element) => hex(element.bytes))).to.deep.equal([
      '020105',
      '040101',
      '040102',
    ]);
  });

  it('writes UTCTime through 2049 and GeneralizedTime from 2050', () => {
    expect(Buffer.from(x509Time(new Date('2049-12-31T23:59:59Z'))).toString('latin1', 2)).to.equal('491231235959Z');
    expect(x509Time(new Date('2049-12-31T23:59:59Z'))[0]).to.equal(0x17);
    expect(Buffer.from(x509Time(new Date('2050-01-01T00:00:00Z'))).toString('latin1', 2)).to.equal('20500101000000Z');
    expect(x509Time(new Date('2050-01-01T00:00:00Z'))[0]).to.equal(0x18);
  });

  it('reads back what it writes', () => {
    const encoded = sequence(integer(1), sequence(oid('2.5.4.3')), octetString(Uint8Array.of(9, 8)));
    const [version, algorithm, value] = childrenOf(readElement(encoded));
    expect(hex(version!.content)).to.equal('01');
    expect(decodeOid(childrenOf(algorithm!)[0]!)).to.equal('2.5.4.3');
    expect(hex(value!.content)).to.equal('0908');
  });

  it('rejects an element that runs past the end of its buffer', () => {
    expect(() => readElement(Uint8Array.of(0x30, 0x05, 0x02, 0x01))).to.throw('runs past the end');
  });

  it('round-trips PEM with 64-character lines', () => {
    const der = new Uint8Array(100).map((_, i) => i);
    const pem = toPem('CERTIFICATE', der);
    expect(pem.split('\n')[1]).to.have.length(64);
    expect(fromPem('CERTIFICATE', pem + pem).map(hex)).to.deep.equal([hex(der), hex(der)]);
  });
});
