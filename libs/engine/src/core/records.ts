/**
 * Records shaped like Zeebe's: what the journal stores, what appliers replay and what tests and
 * exporters observe ("instance passed element X", "job of type Y created").
 */
export type ValueType =
  | 'DEPLOYMENT'
  | 'PROCESS'
  | 'PROCESS_INSTANCE'
  | 'PROCESS_INSTANCE_CREATION'
  | 'PROCESS_INSTANCE_MODIFICATION'
  | 'VARIABLE'
  | 'VARIABLE_DOCUMENT'
  | 'JOB'
  | 'INCIDENT'
  | 'TIMER'
  | 'MESSAGE'
  | 'MESSAGE_SUBSCRIPTION'
  | 'SIGNAL'
  | 'SIGNAL_SUBSCRIPTION'
  | 'RESOURCE_DELETION';

export interface EngineRecord<V = Record<string, unknown>> {
  readonly position: number;
  readonly key: string;
  readonly timestamp: number;
  readonly recordType: 'EVENT';
  readonly valueType: ValueType;
  readonly intent: string;
  readonly value: V;
}

export const NO_KEY = '-1';
export const DEFAULT_TENANT = '<default>';
