import { readFile } from 'node:fs/promises';

import { expect } from 'chai';

import type { ElementModel, ProcessModel } from '../core/model.ts';
import { DeploymentRejection, parseBpmn } from './parse.ts';

function fixture(name: string): Promise<string> {
  return readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

async function parseFixture(name: string): Promise<ProcessModel[]> {
  return parseBpmn(await fixture(name), name);
}

/** Parses an invalid fixture (under fixtures/invalid/) and returns the rejection it must raise. */
async function rejectionOf(name: string): Promise<DeploymentRejection> {
  const resourceName = name.slice(name.lastIndexOf('/') + 1);
  try {
    await parseBpmn(await fixture(`invalid/${name}`), resourceName);
  } catch (error) {
    expect(error).to.be.instanceOf(DeploymentRejection);
    return error as DeploymentRejection;
  }
  return expect.fail(`expected ${name} to be rejected`);
}

function element(model: ProcessModel, id: string): ElementModel {
  const found = model.elements.get(id);
  expect(found, `element ${id}`).to.not.equal(undefined);
  return found as ElementModel;
}

/** The rejection names the element (in Zeebe's `- Element: <id>` layout and in `problems`) with a key phrase. */
function expectProblem(rejection: DeploymentRejection, elementId: string, phrase: string): void {
  expect(rejection.message).to.contain(`- Element: ${elementId}\n`);
  const problems = rejection.problems.filter((problem) => problem.startsWith(`Element '${elementId}': `));
  expect(problems, `problems of ${elementId}: ${rejection.problems.join(' | ')}`).to.satisfy((found: string[]) =>
    found.some((problem) => problem.includes(phrase)),
  );
}

describe('parseBpmn', () => {
  describe('given a valid process with many kinds of elements', () => {
    let model: ProcessModel;

    before(async () => {
      const models = await parseFixture('process-with-many-elements.bpmn');
      expect(models).to.have.length(1);
      model = models[0] as ProcessModel;
    });

    it('returns the executable process with its id, name and top-level start events by kind', () => {
      expect(model.bpmnProcessId).to.equal('dossier-handling');
      expect(model.name).to.equal('Dossier handling');
      expect(model.noneStartEventId).to.equal('start');
      expect(model.messageStartEventIds).to.deep.equal(['start-by-message']);
      expect(model.timerStartEventIds).to.deep.equal(['start-by-timer']);
      expect(model.signalStartEventIds).to.deep.equal([]);
    });

    it('includes the process itself as the root scope, with its children, none start event and event subprocesses', () => {
      const process = element(model, 'dossier-handling');
      expect(process.type).to.equal('process');
      expect(process.scopeId).to.equal(undefined);
      expect(process.noneStartEventId).to.equal('start');
      expect(process.eventSubProcessIds).to.deep.equal(['on-cancel', 'on-error']);
      expect(process.childIds).to.include.members(['start', 'check', 'remind-timer', 'collect', 'on-cancel', 'end']);
      expect(process.childIds).to.not.include('collect-item');
    });

    it('gives every element the id of its enclosing scope', () => {
      expect(element(model, 'check').scopeId).to.equal('dossier-handling');
      expect(element(model, 'collect-item').scopeId).to.equal('collect');
      expect(element(model, 'log-cancel').scopeId).to.equal('on-cancel');
    });

    it('derives incoming and outgoing flows from the sequence flows, and keeps conditions as FEEL', () => {
      expect(element(model, 'check').incoming).to.deep.equal([
        'flow-start',
        'flow-start-by-message',
        'flow-start-by-timer',
      ]);
      expect(element(model, 'decide').outgoing).to.deep.equal(['flow-complete', 'flow-incomplete']);
      expect(model.flows.get('flow-complete')).to.deep.equal({
        id: 'flow-complete',
        sourceId: 'decide',
        targetId: 'review',
        condition: { kind: 'feel', source: 'checkOk = true' },
      });
      expect(model.flows.get('flow-incomplete')?.condition).to.equal(undefined);
    });

    it('maps a service task to a job with FEEL or static type and retries, headers and io mappings', () => {
      const check = element(model, 'check');
      expect(check.type).to.equal('serviceTask');
      expect(check.name).to.equal('Check dossier');
      expect(check.job).to.deep.equal({
        type: { kind: 'static', value: 'check-dossier' },
        retries: { kind: 'feel', source: 'maxRetries' },
        headers: { office: 'one-stop-shop', level: '2' },
      });
      expect(check.inputMappings).to.deep.equal([
        { source: { kind: 'feel', source: 'dossier.id' }, target: 'dossierId' },
        { source: { kind: 'static', value: 'district' }, target: 'request.kind' },
      ]);
      expect(check.outputMappings).to.deep.equal([
        { source: { kind: 'feel', source: 'result.ok' }, target: 'checkOk' },
      ]);
    });

    it('defaults job retries to 3 and reads send, business rule and message throw tasks as jobs', () => {
      expect(element(model, 'rules').job?.retries).to.deep.equal({ kind: 'static', value: '3' });
      expect(element(model, 'remind').job?.type).to.deep.equal({ kind: 'feel', source: '"remind-" + office' });
      expect(element(model, 'notify-incomplete').job?.type).to.deep.equal({ kind: 'static', value: 'notify-citizen' });
      expect(element(model, 'end-informed').job).to.deep.equal({
        type: { kind: 'static', value: 'inform-citizen' },
        retries: { kind: 'static', value: '1' },
        headers: {},
      });
      expect(element(model, 'end-informed').eventDefinition?.kind).to.equal('message');
    });

    it('links boundary events and their activity, with interrupting defaulting to true', () => {
      expect(element(model, 'check').boundaryEventIds).to.deep.equal(['remind-timer']);
      expect(element(model, 'remind-timer')).to.include({ attachedToId: 'check', interrupting: false });
      expect(element(model, 'remind-timer').eventDefinition).to.deep.equal({
        kind: 'timer',
        timer: 'cycle',
        value: { kind: 'static', value: 'R/PT1H' },
      });
      expect(element(model, 'collect').boundaryEventIds).to.deep.equal(['no-documents']);
      expect(element(model, 'no-documents')).to.include({ attachedToId: 'collect', interrupting: true });
      expect(element(model, 'no-documents').eventDefinition).to.deep.equal({
        kind: 'error',
        errorCode: { kind: 'static', value: 'NO_DOCUMENTS' },
      });
    });

    it('reads the default flow of exclusive and inclusive gateways', () => {
      expect(element(model, 'decide').defaultFlowId).to.equal('flow-incomplete');
      expect(element(model, 'inform').defaultFlowId).to.equal('flow-inform-done');
      expect(element(model, 'fork').defaultFlowId).to.equal(undefined);
    });

    it('maps a user task without zeebe:userTask to a job-based user task', () => {
      const review = element(model, 'review');
      expect(review.job).to.deep.equal({
        type: { kind: 'static', value: 'io.camunda.zeebe:userTask' },
        retries: { kind: 'static', value: '1' },
        headers: {},
      });
      expect(review.userTask).to.deep.equal({
        assignee: { kind: 'feel', source: 'officer' },
        candidateGroups: { kind: 'static', value: 'officers, managers' },
        candidateUsers: { kind: 'feel', source: '["an", "binh"]' },
        formKey: 'camunda-forms:bpmn:form-review',
        dueDate: { kind: 'static', value: '2025-01-31T12:00:00Z' },
        followUpDate: { kind: 'feel', source: 'now() + duration("P1D")' },
      });
    });

    it('reads a script task, a call activity and a multi-instance activity', () => {
      expect(element(model, 'score').script).to.deep.equal({
        expression: { kind: 'feel', source: 'count(documents)' },
        resultVariable: 'documentCount',
      });
      expect(element(model, 'archive').calledElement).to.deep.equal({
        processId: { kind: 'static', value: 'dossier-archive' },
        propagateAllChildVariables: false,
        propagateAllParentVariables: true,
      });
      const collectItem = element(model, 'collect-item');
      expect(collectItem.type).to.equal('serviceTask');
      expect(collectItem.multiInstance).to.deep.equal({
        sequential: false,
        inputCollection: { kind: 'feel', source: 'documents' },
        inputElement: 'document',
        outputCollection: 'results',
        outputElement: { kind: 'feel', source: 'result' },
        completionCondition: { kind: 'feel', source: 'numberOfCompletedInstances >= 2' },
      });
    });

    it('reads an embedded subprocess as a scope with its none start event', () => {
      const collect = element(model, 'collect');
      expect(collect.type).to.equal('subProcess');
      expect(collect.noneStartEventId).to.equal('collect-start');
      expect(collect.childIds).to.deep.equal([
        'collect-start',
        'collect-item',
        'any-documents',
        'collect-end',
        'collect-no-documents',
      ]);
      expect(element(model, 'collect-no-documents').eventDefinition).to.deep.equal({
        kind: 'error',
        errorCode: { kind: 'static', value: 'NO_DOCUMENTS' },
      });
    });

    it('reads event subprocesses and whether their start event interrupts', () => {
      expect(element(model, 'on-cancel').type).to.equal('eventSubProcess');
      expect(element(model, 'cancelled')).to.include({ interrupting: false, scopeId: 'on-cancel' });
      expect(element(model, 'any-error')).to.include({ interrupting: true });
      expect(element(model, 'any-error').eventDefinition).to.deep.equal({ kind: 'error' });
    });

    it('reads message, timer, signal and terminate event definitions, message names possibly FEEL', () => {
      expect(element(model, 'documents-received').eventDefinition).to.deep.equal({
        kind: 'message',
        messageName: { kind: 'static', value: 'documents-received' },
        correlationKey: { kind: 'feel', source: 'dossierId' },
      });
      expect(element(model, 'await-reply').eventDefinition).to.deep.equal({
        kind: 'message',
        messageName: { kind: 'feel', source: '"reply-" + office' },
        correlationKey: { kind: 'feel', source: 'dossierId' },
      });
      expect(element(model, 'start-by-message').eventDefinition).to.deep.equal({
        kind: 'message',
        messageName: { kind: 'static', value: 'dossier-submitted' },
      });
      expect(element(model, 'timeout').eventDefinition).to.deep.equal({
        kind: 'timer',
        timer: 'duration',
        value: { kind: 'static', value: 'PT72H' },
      });
      expect(element(model, 'closed').eventDefinition).to.deep.equal({
        kind: 'signal',
        signalName: { kind: 'static', value: 'dossier-closed' },
      });
      expect(element(model, 'end-terminated').eventDefinition).to.deep.equal({ kind: 'terminate' });
      expect(element(model, 'end').eventDefinition).to.deep.equal({ kind: 'none' });
    });

    it('keeps plain, manual and event-based elements with their types', () => {
      expect(element(model, 'note').type).to.equal('task');
      expect(element(model, 'confirm').type).to.equal('manualTask');
      expect(element(model, 'wait').type).to.equal('eventBasedGateway');
      expect(element(model, 'inform').type).to.equal('inclusiveGateway');
    });
  });

  describe('given a collaboration with two pools', () => {
    it('returns one model per executable process, each with only its own elements', async () => {
      const models = await parseFixture('collaboration-with-two-pools.bpmn');

      expect(models.map((m) => m.bpmnProcessId)).to.deep.equal(['reception', 'district-office']);
      const [reception, district] = models as [ProcessModel, ProcessModel];
      expect(reception.noneStartEventId).to.equal('reception-start');
      expect([...reception.elements.keys()]).to.deep.equal([
        'reception',
        'reception-start',
        'forward',
        'reception-end',
      ]);
      expect(district.noneStartEventId).to.equal(undefined);
      expect(district.messageStartEventIds).to.deep.equal(['forwarded']);
      expect(district.elements.has('forward')).to.equal(false);
    });
  });

  describe('given an invalid resource', () => {
    it('rejects malformed XML, naming the resource', async () => {
      const rejection = await rejectionOf('malformed-xml.bpmn');

      expect(rejection.message).to.match(
        /^Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n'malformed-xml\.bpmn': Failed to parse the BPMN XML: /,
      );
      expect(rejection.resourceName).to.equal('malformed-xml.bpmn');
    });

    it('rejects unknown elements and unresolved references that moddle skipped', async () => {
      const rejection = await rejectionOf('unknown-elements.bpmn');

      expect(rejection.message).to.contain('unknown type <zeebe:JobWorker>');
      expect(rejection.message).to.contain('unknown type <bpmn:WonderTask>');
      expectProblem(rejection, 'flow-2', 'unresolved reference <nowhere>');
    });

    it('rejects a resource without an executable process', async () => {
      expectProblem(await rejectionOf('no-executable-process.bpmn'), 'definitions', 'at least one executable process');
    });

    it('rejects element types and event definitions that are not supported, naming id and type', async () => {
      const rejection = await rejectionOf('unsupported-elements.bpmn');

      expectProblem(rejection, 'complex', "Elements of type 'ComplexGateway' are currently not supported");
      expectProblem(rejection, 'payment', "'Transaction'");
      expectProblem(rejection, 'free-work', "'AdHocSubProcess'");
      expectProblem(rejection, 'wait-condition', "'ConditionalEventDefinition' are currently not supported");
      expectProblem(rejection, 'jump', "'LinkEventDefinition'");
      expectProblem(rejection, 'landing', "'LinkEventDefinition'");
      expectProblem(rejection, 'escalate', "'EscalationEventDefinition'");
      expectProblem(rejection, 'undo', "'CompensateEventDefinition'");
      expectProblem(rejection, 'looping', "'StandardLoopCharacteristics' are not supported");
    });

    it('rejects service, send and message throw elements without a task definition or with an empty type', async () => {
      const rejection = await rejectionOf('service-task-without-type.bpmn');

      expectProblem(rejection, 'no-definition', "exactly one 'zeebe:taskDefinition'");
      expectProblem(
        rejection,
        'empty-type',
        "Attribute 'type' of 'zeebe:taskDefinition' must be present and not empty",
      );
      expectProblem(rejection, 'notify', "exactly one 'zeebe:taskDefinition'");
      expectProblem(rejection, 'end-message', "exactly one 'zeebe:taskDefinition'");
    });

    it('rejects gateways without outgoing sequence flows', async () => {
      const rejection = await rejectionOf('gateway-without-outgoing-flows.bpmn');

      expectProblem(rejection, 'fork', 'at least one outgoing sequence flow');
      expectProblem(rejection, 'lonely-choice', 'at least one outgoing sequence flow');
      expectProblem(rejection, 'lonely-wait', 'at least 2 outgoing sequence flows');
    });

    it('rejects a condition that is not FEEL or does not parse', async () => {
      const rejection = await rejectionOf('condition-not-feel.bpmn');

      expectProblem(rejection, 'flow-static', "An expression must start with '='");
      expectProblem(rejection, 'flow-unparsable', "Failed to parse the condition expression '=approved and'");
    });

    it('rejects every FEEL expression that does not parse, naming the element', async () => {
      const rejection = await rejectionOf('unparsable-feel.bpmn');

      expectProblem(rejection, 'work', "Failed to parse the input mapping source expression '=a +'");
      expectProblem(rejection, 'work', 'output mapping source');
      expectProblem(rejection, 'work', 'job type');
      expectProblem(rejection, 'work', 'job retries');
      expectProblem(rejection, 'paid', 'message name');
      expectProblem(rejection, 'paid', 'correlation key');
      expectProblem(rejection, 'calc', 'script');
    });

    it('rejects message catch elements without a message, a message name or a correlation key', async () => {
      const rejection = await rejectionOf('message-catch-without-name-or-correlation-key.bpmn');

      expectProblem(rejection, 'wait-unnamed', "Message 'message-unnamed' must have a name");
      expectProblem(rejection, 'receive-uncorrelated', 'must have a correlation key');
      expectProblem(rejection, 'interrupt-uncorrelated', 'must have a correlation key');
      expectProblem(rejection, 'wait-no-message', 'Must reference a message');
    });

    it('rejects timers without a value or with a static value that is not ISO 8601', async () => {
      const rejection = await rejectionOf('invalid-timers.bpmn');

      expectProblem(rejection, 'wait-empty', 'Must be exactly one type of timer');
      expectProblem(rejection, 'wait-blank', 'The timer must have a value');
      expectProblem(rejection, 'wait-bad-duration', "Invalid timer duration expression 'PT1X'");
      expectProblem(rejection, 'wait-bad-date', "Invalid timer date expression 'tomorrow at noon'");
      expectProblem(rejection, 'bad-cycle', "Invalid timer cycle expression 'R2/every hour'");
    });

    it('rejects a process with more than one none start event', async () => {
      expectProblem(
        await rejectionOf('multiple-none-start-events.bpmn'),
        'multiple-none-start-events',
        'Multiple none start events are not allowed',
      );
    });

    it('rejects an embedded subprocess without exactly one none start event', async () => {
      const rejection = await rejectionOf('subprocess-without-one-none-start-event.bpmn');

      expectProblem(rejection, 'no-start', 'Must have exactly one start event (found 0)');
      expectProblem(rejection, 'two-starts', 'Must have exactly one start event (found 2)');
      expectProblem(rejection, 'inner-message-start', 'Start events in subprocesses must be of type none');
    });

    it('rejects an event subprocess without exactly one start event with a definition', async () => {
      const rejection = await rejectionOf('event-subprocess-without-typed-start-event.bpmn');

      expectProblem(rejection, 'on-nothing', 'Start events in event subprocesses must be one of');
      expectProblem(rejection, 'on-two-things', 'Must have exactly one start event (found 2)');
    });

    it('rejects an event-based gateway leading to anything but message, timer or signal catch events', async () => {
      expectProblem(
        await rejectionOf('event-based-gateway-with-task-target.bpmn'),
        'wait',
        'message/timer/signal intermediate catch events',
      );
    });

    it('rejects an error end event without an error or an error code', async () => {
      const rejection = await rejectionOf('error-end-event-without-error-code.bpmn');

      expectProblem(rejection, 'fail-without-code', 'ErrorCode');
      expectProblem(rejection, 'fail-without-error', 'must reference an error');
    });

    it('rejects a call activity without a called process id', async () => {
      const rejection = await rejectionOf('call-activity-without-process-id.bpmn');

      expectProblem(rejection, 'call-nothing', "'zeebe:calledElement'");
      expectProblem(rejection, 'call-empty', "Attribute 'processId'");
    });

    it('rejects a multi-instance activity without a FEEL input collection', async () => {
      const rejection = await rejectionOf('multi-instance-without-input-collection.bpmn');

      expectProblem(rejection, 'each-document', 'must have an input collection');
      expectProblem(rejection, 'each-static', 'input collection to be an expression');
    });

    it('rejects a boundary event attached to something else than an activity', async () => {
      expectProblem(
        await rejectionOf('boundary-event-attached-to-non-activity.bpmn'),
        'timer-on-gateway',
        "Must be attached to an activity, but is attached to 'decide'",
      );
    });

    it('rejects a default flow that is not an outgoing flow of its gateway', async () => {
      expectProblem(
        await rejectionOf('default-flow-not-outgoing.bpmn'),
        'decide',
        'Default flow must start at gateway',
      );
    });

    it('rejects incoming flows of a start event and outgoing flows of an end event', async () => {
      const rejection = await rejectionOf('start-event-incoming-end-event-outgoing.bpmn');

      expectProblem(rejection, 'start', 'must not have incoming sequence flows');
      expectProblem(rejection, 'end', 'must not have outgoing sequence flows');
    });

    it('rejects a joining inclusive gateway, as Zeebe 8.5 does', async () => {
      expectProblem(await rejectionOf('joining-inclusive-gateway.bpmn'), 'merge', 'Joining inclusive gateways');
    });

    it('rejects a Camunda user task, which is not reachable over the gRPC gateway', async () => {
      const rejection = await rejectionOf('camunda-user-task.bpmn');

      expectProblem(rejection, 'approve', 'not supported over the gRPC gateway');
      expectProblem(rejection, 'approve', 'use a job-based user task');
    });

    it('rejects a business rule task calling a DMN decision, until DMN is supported', async () => {
      expectProblem(await rejectionOf('business-rule-task-with-called-decision.bpmn'), 'decide-fee', 'DMN comes later');
    });

    it('reports every problem of the resource together, grouped by element as Zeebe does', async () => {
      const rejection = await rejectionOf('multiple-problems.bpmn');

      expect(rejection.problems).to.have.length(6);
      expect(rejection.message).to.equal(
        "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': " +
          'Expected to deploy new resources, but encountered the following errors:\n' +
          "'multiple-problems.bpmn': - Element: untyped\n" +
          "    - ERROR: Must have exactly one 'zeebe:taskDefinition' extension element\n" +
          '- Element: call-nothing\n' +
          "    - ERROR: Expected the output mapping target to be a variable path (e.g. 'a' or 'a.b') but found '1bad'\n" +
          "    - ERROR: Expected the output mapping source to be an expression but found static value 'static'. " +
          "An expression must start with '=' (e.g. '=static').\n" +
          "    - ERROR: Attribute 'processId' of 'zeebe:calledElement' must be present and not empty\n" +
          '- Element: fail\n' +
          "    - ERROR: ErrorCode of error 'error-without-code' must be present and not empty\n" +
          '- Element: dead-end\n' +
          '    - ERROR: A gateway must have at least one outgoing sequence flow',
      );
      expect(rejection.reason).to.equal(
        rejection.message.replace(/^Command 'CREATE' rejected with code 'INVALID_ARGUMENT': /, ''),
      );
    });
  });
});
