import { expect } from 'chai';
import type { TestEngine } from '../../support/test-engine.ts';
import { startTestEngine } from '../../support/test-engine.ts';
import { activateOne } from './flow-support.ts';

describe('zeebe:ioMapping', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  const variables = {
    applicant: { fullName: 'Nguyễn Văn A', idNumber: '001090000001' },
    sequence: 42,
    agencyCode: '000.00.12.H10',
    dossier: { code: 'HS-42', procedure: '1.001234' },
  };

  it('creates local variables from its input mappings, nested targets building an object', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'io-mapping.bpmn');

    // when
    await zeebe.client.createProcessInstance({ bpmnProcessId: 'io-mapping', variables });

    // then
    const job = await activateOne(zeebe, 'register-dossier');
    expect(job.variables).to.deep.equal({
      ...variables,
      applicantName: 'Nguyễn Văn A',
      receipt: { code: 'HS-42', agency: '000.00.12.H10' },
      channel: 'one-stop-shop',
    });
  });

  it('propagates only its output mappings, a nested target merging into the existing variable', async () => {
    // given
    await zeebe.deploy(import.meta.dirname, 'io-mapping.bpmn');
    await zeebe.client.createProcessInstance({ bpmnProcessId: 'io-mapping', variables });
    const job = await activateOne(zeebe, 'register-dossier');

    // when
    await zeebe.client.completeJob({
      jobKey: job.key,
      variables: { registration: { number: 'SO-7/2026', date: '2026-01-05' }, workerNote: 'scanned twice' },
    });

    // then: the input-mapped locals are gone, only mapped results arrived, dossier kept its other properties
    const after = await activateOne(zeebe, 'after-registration');
    expect(after.variables).to.deep.equal({
      ...variables,
      dossier: { code: 'HS-42', procedure: '1.001234', registrationNumber: 'SO-7/2026' },
      registeredOn: '2026-01-05',
    });
  });
});

describe('zeebe:ioMapping input mappings with a nested target', () => {
  let zeebe: TestEngine;
  beforeEach(async () => (zeebe = await startTestEngine()));
  afterEach(() => zeebe.close());

  it('create a new local object that shadows a variable of that name, without merging into it or changing it', async () => {
    // given: a `receipt` variable already exists in the root scope
    await zeebe.deploy(import.meta.dirname, 'io-mapping.bpmn');
    await zeebe.client.createProcessInstance({
      bpmnProcessId: 'io-mapping',
      variables: {
        applicant: { fullName: 'Phạm Thị D' },
        sequence: 43,
        agencyCode: 'H10',
        receipt: { office: 'one-stop desk 3' },
      },
    });

    // when
    const job = await activateOne(zeebe, 'register-dossier');

    // then: the task sees only the mapped properties (Zeebe builds the input context from the mappings alone)
    expect(job.variables.receipt).to.deep.equal({ code: 'HS-43', agency: 'H10' });

    // and the root variable is untouched
    await zeebe.client.completeJob({
      jobKey: job.key,
      variables: { registration: { number: 'SO-8', date: '2026-01-06' } },
    });
    const after = await activateOne(zeebe, 'after-registration');
    expect(after.variables.receipt).to.deep.equal({ office: 'one-stop desk 3' });
  });
});
