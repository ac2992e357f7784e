import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, issueCertificate } from '@motcua/documents';
import { loadConfig } from '../config/config.ts';
import { KEY_FILES, SigningIdentityService } from './signing-identity.service.ts';

describe("the organisation's signing identity", function () {
  this.timeout(30_000);
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'motcua-keys-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is generated on first start under <data dir>/keys, readable by its owner only, and reused afterwards', async () => {
    // when
    const first = await new SigningIdentityService(loadConfig({ MOTCUA_DATA_DIR: dataDir })).get();
    const second = await new SigningIdentityService(loadConfig({ MOTCUA_DATA_DIR: dataDir })).get();

    // then
    for (const file of Object.values(KEY_FILES)) {
      expect(statSync(join(dataDir, 'keys', file)).mode & 0o777, file).to.equal(0o600);
    }
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).to.equal(0o700);
    expect(second.certificatePem).to.equal(first.certificatePem);
    expect(second.chainPem).to.have.length(1); // the test CA
  });

  it('comes from MOTCUA_SIGNING_KEY / _CERT / _CHAIN when they are set', async () => {
    // given: a production-like identity in PEM files
    const ca = await createTestCa('Production-like CA', { keyAlgorithm: 'ecdsa-p256' });
    const issued = await issueCertificate(ca, {
      commonName: 'Ủy ban nhân dân Phường Kinh Bắc',
      organization: 'UBND Phường Kinh Bắc',
      kind: 'organisation',
      validDays: 30,
      keyAlgorithm: 'ecdsa-p256',
    });
    writeFileSync(join(dataDir, 'key.pem'), issued.privateKeyPem);
    writeFileSync(join(dataDir, 'cert.pem'), issued.certificatePem);
    writeFileSync(join(dataDir, 'chain.pem'), ca.certificatePem);

    // when
    const identity = await new SigningIdentityService(
      loadConfig({
        MOTCUA_DATA_DIR: dataDir,
        MOTCUA_SIGNING_KEY: join(dataDir, 'key.pem'),
        MOTCUA_SIGNING_CERT: join(dataDir, 'cert.pem'),
        MOTCUA_SIGNING_CHAIN: join(dataDir, 'chain.pem'),
      }),
    ).get();

    // then: that identity, and no test CA generated
    expect(identity.certificatePem.trim()).to.equal(issued.certificatePem.trim());
    expect(identity.chainPem.map((pem) => pem.trim())).to.deep.equal([ca.certificatePem.trim()]);
    expect(() => statSync(join(dataDir, 'keys'))).to.throw();
  });
});
