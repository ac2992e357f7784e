/** @motcua/engine: an embedded engine that speaks Zeebe's gRPC gateway protocol. */
export { Engine, EngineClosedError } from './engine.ts';
export { DataDirLockedError, lockDirectory } from './directory-lock.ts';
export type { EngineOptions } from './engine.ts';
export { Gateway, GATEWAY_VERSION, startEngineServer } from './gateway/server.ts';
export { ControlledClock, systemClock } from './core/clock.ts';
export type { Clock } from './core/clock.ts';
export { Rejection } from './core/processor.ts';
export type { ActivatedJob } from './core/processor.ts';
export type { EngineRecord, ValueType } from './core/records.ts';
export { parseBpmn, DeploymentRejection } from './bpmn/parse.ts';
export type { DeploymentProblem } from './bpmn/parse.ts';
