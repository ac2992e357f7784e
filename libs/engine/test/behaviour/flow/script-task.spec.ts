import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';

describe('a script task', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  // The certified-copy fee: 2,000 VND per page for the first two pages, 1,000 VND per page from the third, at most 200,000 VND.
  for (const [pages, fee] of [
    [1, 2_000],
    [2, 4_000],
    [3, 5_000],
    [198, 200_000],
    [500, 200_000],
  ]) {
    it(`stores its FEEL result in the result variable: ${pages} page(s) of certified copy cost ${fee} VND`, async () => {
      // given
      await zeebe.deploy(import.meta.dirname, 'script-task-certified-copy-fee.bpmn');

      // when
      const result = await zeebe.client.createProcessInstanceWithResult({
        bpmnProcessId: 'script-task-certified-copy-fee',
        variables: { pages },
        requestTimeout: 5_000,
      });

      // then
      expect(result.variables).to.deep.equal({ pages, fee });
    });
  }
});
