import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { isLintError, lintBpmn, lintBpmnDocument } from './index.ts';

const referenceDiagram = readFileSync(
  new URL('../../../processes/household-business-registration/process.bpmn', import.meta.url),
  'utf8',
);

describe('lintBpmn (camunda-compat 8.5)', () => {
  it('finds nothing wrong in a reference procedure and returns the document it read', async () => {
    // when
    const { problems, definitions } = await lintBpmnDocument(referenceDiagram);

    // then
    expect(problems).to.deep.equal([]);
    expect(definitions?.$type).to.equal('bpmn:Definitions');
  });

  it('names the element of a Camunda 8.5 incompatibility', async () => {
    // given a service task whose job type is missing
    const broken = referenceDiagram.replace('<zeebe:taskDefinition type="motcua.intake" />', '');

    // when
    const problems = await lintBpmn(broken);

    // then
    expect(problems).to.deep.include({
      id: 'intake',
      message: 'Element of type <bpmn:ServiceTask> must have one extension element of type <zeebe:TaskDefinition>',
      rule: 'camunda-compat/implementation',
      category: 'error',
    });
    expect(problems.every(isLintError)).to.equal(true);
  });

  it('reports XML it cannot read as one parse problem, without a document', async () => {
    // when
    const { problems, definitions } = await lintBpmnDocument('<bpmn:definitions');

    // then
    expect(definitions).to.equal(undefined);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.include({ id: '', rule: 'parse', category: 'error' });
  });
});
