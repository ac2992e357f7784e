import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { validateBundle } from './bundle-validator.ts';
import { minimalBundle } from './fixtures/minimal-bundle.ts';
import type { ExpectedProblem } from './fixtures/invalid/expected-problem.ts';
import { readReferenceBundle, referenceBundleSlugs } from './reference-bundles.ts';

// One fixture per invalid case, each exporting { bundle, errors } (form-js's validation.spec.js shape).
const INVALID_DIR = new URL('./fixtures/invalid/', import.meta.url);
const invalidFixtures = readdirSync(INVALID_DIR)
  .filter((file) => file.endsWith('.ts') && file !== 'expected-problem.ts')
  .sort();

const place = (problem: { path: string; elementId?: string; rule: string }): string =>
  `${problem.rule} ${problem.path}${problem.elementId ? ` #${problem.elementId}` : ''}`;

describe('the bundle validator', function () {
  this.timeout(30_000);

  it('accepts the minimal bundle with no problem and no warning', async () => {
    // when
    const validation = await validateBundle(minimalBundle());

    // then
    expect(validation.problems).to.deep.equal([]);
    expect(validation.warnings).to.deep.equal([]);
    expect(validation.bundle?.metadata.code).to.equal('MC.TEST.001');
  });

  it('accepts every reference bundle of processes/ and forms/', async () => {
    const slugs = referenceBundleSlugs();
    expect(slugs).to.include.members([
      'birth-residence-health-insurance',
      'certified-copy',
      'construction-permit-individual-house',
      'household-business-registration',
    ]);
    for (const slug of slugs) {
      const { problems } = await validateBundle(readReferenceBundle(slug).bundle);
      expect(problems, slug).to.deep.equal([]);
    }
  });

  describe('reports every problem of an invalid bundle, each at its place', () => {
    for (const file of invalidFixtures) {
      it(file.replace(/\.ts$/, '').replace(/-/g, ' '), async () => {
        // given
        const fixture = (await import(new URL(file, INVALID_DIR).href)) as {
          bundle: unknown;
          errors: ExpectedProblem[];
        };

        // when
        const { problems, bundle } = await validateBundle(fixture.bundle);

        // then
        expect(bundle).to.equal(undefined);
        expect(problems.map(place).sort()).to.deep.equal(fixture.errors.map(place).sort());
        for (const expected of fixture.errors) {
          const found = problems.find((problem) => place(problem) === place(expected))!;
          if (expected.message) expect(found.message).to.contain(expected.message);
          // Vietnamese first, English second.
          expect(found.message).to.contain(' / ');
        }
      });
    }
  });
});
