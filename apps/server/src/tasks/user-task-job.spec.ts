import { expect } from 'chai';
import { agencyOfGroup, parseList, parseZonedDateTime, readUserTaskJob } from './user-task-job.ts';

describe('reading a job-based user task', () => {
  const job = (headers: Record<string, string>, variables: Record<string, unknown> = {}) => ({
    key: '2251799813685260',
    processInstanceKey: '2251799813685251',
    processDefinitionKey: '2251799813685249',
    bpmnProcessId: 'household-business-registration',
    elementId: 'appraisal',
    elementInstanceKey: '2251799813685259',
    deadline: '1795764600000',
    customHeaders: headers,
    variables,
  });

  it('takes form, groups, users, assignee and due date from the headers Zeebe 8.5 writes', () => {
    const step = readUserTaskJob(
      job(
        {
          'io.camunda.zeebe:formKey': 'appraisal',
          'io.camunda.zeebe:candidateGroups': '["specialist@000.00.12.H10","leader@000.00.12.H10"]',
          'io.camunda.zeebe:candidateUsers': '["kinhbac.specialist"]',
          'io.camunda.zeebe:assignee': 'kinhbac.leader',
          'io.camunda.zeebe:dueDate': '2026-01-08T17:00+07:00',
        },
        { dossierId: 'd-1', dossierCode: '000.00.12.H10-260105-0001', serviceCode: '1.001612', agencyCode: 'other' },
      ),
    );
    expect(step).to.deep.equal({
      formKey: 'appraisal',
      candidateGroups: ['specialist@000.00.12.H10', 'leader@000.00.12.H10'],
      candidateUsers: ['kinhbac.specialist'],
      assigneeUsername: 'kinhbac.leader',
      dueAt: new Date('2026-01-08T10:00:00Z'),
      dossierId: 'd-1',
      dossierCode: '000.00.12.H10-260105-0001',
      serviceCode: '1.001612',
      // the agency working the step is the one its groups name, not the competent agency variable
      agencyCode: '000.00.12.H10',
    });
  });

  it('falls back to the agencyCode variable when no group names an agency, and leaves absent headers empty', () => {
    const step = readUserTaskJob(job({}, { agencyCode: '000.00.13.H10', dossierId: 42 }));
    expect(step).to.include({ formKey: null, assigneeUsername: null, dueAt: null, agencyCode: '000.00.13.H10' });
    expect(step.dossierId).to.equal('42');
    expect(step.candidateGroups).to.deep.equal([]);
  });

  const lists: [string | null, string[]][] = [
    ['["a","b","a"]', ['a', 'b']],
    ['"desk@H10"', ['desk@H10']],
    ['desk@H10, leader@H10', ['desk@H10', 'leader@H10']],
    ['', []],
    [null, []],
  ];
  for (const [text, expected] of lists) {
    it(`reads the list header ${JSON.stringify(text)}`, () => expect(parseList(text)).to.deep.equal(expected));
  }

  const dates: [string, string | null][] = [
    ['2026-01-08T17:00+07:00', '2026-01-08T10:00:00.000Z'],
    ['2026-01-08T17:00:00.500+07:00[Asia/Ho_Chi_Minh]', '2026-01-08T10:00:00.500Z'],
    ['2026-01-08T10:00Z', '2026-01-08T10:00:00.000Z'],
    ['next week', null],
  ];
  for (const [text, expected] of dates) {
    it(`reads the due date ${text}`, () => expect(parseZonedDateTime(text)?.toISOString() ?? null).to.equal(expected));
  }

  it('finds the agency of a group code', () => {
    expect(agencyOfGroup('desk@000.00.12.H10')).to.equal('000.00.12.H10');
    expect(agencyOfGroup('mot-cua')).to.equal(null);
    expect(agencyOfGroup('desk@')).to.equal(null);
  });
});
