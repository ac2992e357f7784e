import { Injectable, Logger } from '@nestjs/common';
import { parseBpmn } from '@motcua/engine';

/** Where a deployed process's BPMN can be read, by its process definition key (the catalogue knows). */
export type BpmnSource = (processDefinitionKey: string, bpmnProcessId: string) => Promise<string | undefined>;

/**
 * The names of user-task elements, read from the deployed BPMN (a job carries only the element id).
 * Diagrams are registered when they are deployed, or looked up through a source; an unknown diagram
 * gives the element id.
 */
@Injectable()
export class TaskNames {
  private readonly logger = new Logger('TaskNames');
  private readonly byDefinition = new Map<string, Promise<ReadonlyMap<string, string>>>();
  private readonly sources: BpmnSource[] = [];

  addSource(source: BpmnSource): void {
    this.sources.push(source);
  }

  /** Remembers the element names of a diagram deployed under this process definition key. */
  register(processDefinitionKey: string, bpmnProcessId: string, xml: string): void {
    this.byDefinition.set(processDefinitionKey, namesOf(xml, bpmnProcessId));
  }

  async nameOf(job: { processDefinitionKey: string; bpmnProcessId: string; elementId: string }): Promise<string> {
    let names = this.byDefinition.get(job.processDefinitionKey);
    if (!names) {
      names = this.lookUp(job.processDefinitionKey, job.bpmnProcessId);
      this.byDefinition.set(job.processDefinitionKey, names);
    }
    const found = (await names.catch(() => new Map<string, string>())).get(job.elementId);
    return found ?? job.elementId;
  }

  private async lookUp(processDefinitionKey: string, bpmnProcessId: string): Promise<ReadonlyMap<string, string>> {
    for (const source of this.sources) {
      const xml = await source(processDefinitionKey, bpmnProcessId).catch((error: unknown) => {
        this.logger.warn(`BPMN of ${bpmnProcessId} (${processDefinitionKey}) not readable: ${String(error)}`);
        return undefined;
      });
      if (xml) return namesOf(xml, bpmnProcessId);
    }
    // Not known (yet): forget the miss so a later job tries again.
    setImmediate(() => this.byDefinition.delete(processDefinitionKey));
    return new Map();
  }
}

async function namesOf(xml: string, bpmnProcessId: string): Promise<ReadonlyMap<string, string>> {
  const names = new Map<string, string>();
  for (const process of await parseBpmn(xml, `${bpmnProcessId}.bpmn`)) {
    for (const element of process.elements.values()) if (element.name) names.set(element.id, element.name.trim());
  }
  return names;
}
