/** Injection token of the process's line logger (npm start: stderr), for the few messages an operator should see. */
export const LOG = Symbol('LOG');

export type Log = (message: string) => void;
