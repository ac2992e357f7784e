import type { BundleMetadata, JsonSchema } from '../catalogue/bundle.ts';

/** What dossiers need to know of a published service version (the catalogue owns the data). */
export interface DossierServiceVersion {
  id: string;
  serviceCode: string;
  bpmnProcessId: string;
  /** The deployed definition of this version: instances start on exactly it ("running dossiers stay on their version"). */
  processDefinitionKey: string | null;
  /** Zeebe's version of the process definition: instances start with bpmnProcessId + this version. */
  processVersion: number | null;
  metadata: BundleMetadata;
  submissionSchema: JsonSchema;
  /** The form of each user task by formKey: what a completion is validated against. */
  taskForms: Record<string, JsonSchema>;
}

/**
 * The catalogue as dossiers see it (a port: the catalogue feature provides the implementation under this token).
 */
export abstract class DossierCatalogue {
  /** The version of the service in force at `at` (published, effective), or null when the service is unknown. */
  abstract currentVersion(serviceCode: string, at: Date): Promise<DossierServiceVersion | null>;
  abstract versionById(id: string): Promise<DossierServiceVersion | null>;
}
