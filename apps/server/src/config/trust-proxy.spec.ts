import { expect } from 'chai';
import { ConfigError, loadConfig } from './config.ts';

describe('MOTCUA_TRUST_PROXY', () => {
  const cases: [string | undefined, boolean | number | string][] = [
    [undefined, false],
    ['false', false],
    ['true', true],
    ['1', 1],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, 192.168.1.10', '10.0.0.0/8,192.168.1.10'],
    ['::1', '::1'],
  ];
  for (const [raw, expected] of cases) {
    it(`reads ${JSON.stringify(raw)} as ${JSON.stringify(expected)}`, () => {
      expect(loadConfig(raw === undefined ? {} : { MOTCUA_TRUST_PROXY: raw }).trustProxy).to.equal(expected);
    });
  }

  it('refuses anything else with a message naming the variable', () => {
    expect(() => loadConfig({ MOTCUA_TRUST_PROXY: 'nginx' })).to.throw(ConfigError, /MOTCUA_TRUST_PROXY='nginx'/);
  });
});
