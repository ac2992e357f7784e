import { expect } from 'chai';

import { crc32 } from './crc32.ts';

describe('crc32', () => {
  it('gives the standard check value for "123456789"', () => {
    // given
    const data = Buffer.from('123456789', 'ascii');

    // when
    const crc = crc32(data);

    // then
    expect(crc).to.equal(0xcbf43926);
  });

  it('gives 0 for no data and a known value for a pangram', () => {
    expect(crc32(new Uint8Array(0))).to.equal(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).to.equal(0x414fa339);
  });

  it('continued over two parts equals the checksum of the whole', () => {
    // given
    const whole = Buffer.from('journal records are framed with a checksum');

    // when
    const continued = crc32(whole.subarray(17), crc32(whole.subarray(0, 17)));

    // then
    expect(continued).to.equal(crc32(whole));
  });

  it('changes when a single bit flips', () => {
    // given
    const data = Buffer.from('{"position":42}');
    const flipped = Buffer.from(data);
    flipped[5] ^= 0x01;

    // then
    expect(crc32(flipped)).to.not.equal(crc32(data));
  });
});
