import { expect } from 'chai';
import workerContract from '../../../../processes/worker-contract.json' with { type: 'json' };
import { isMotcuaJobType, MOTCUA_JOB_TYPES, USER_TASK_JOB_TYPE } from './job-types.ts';

describe('the job types motcua handles', () => {
  it('are exactly the job types of the worker contract (processes/worker-contract.json)', () => {
    expect([...MOTCUA_JOB_TYPES].sort()).to.deep.equal(Object.keys(workerContract.jobTypes).sort());
    expect(USER_TASK_JOB_TYPE).to.equal(workerContract.userTask.jobType);
  });

  it('leave out the reserved ones, which no worker handles yet', () => {
    for (const reserved of Object.keys(workerContract.reservedJobTypes))
      expect(isMotcuaJobType(reserved)).to.equal(false);
    expect(isMotcuaJobType('motcua.sign')).to.equal(true);
  });
});
