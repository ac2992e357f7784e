export const CalendarErrorCode = {
  /** The calendar data (holidays, swaps, sessions, cut-off) is invalid; `problems` lists every problem. */
  InvalidData: 'INVALID_DATA',
  /** An argument (a date, a duration, a pause) is invalid. */
  InvalidInput: 'INVALID_INPUT',
  /** A pause has no end and no `asOf` moment was given, so the due date is not determined. */
  OpenPause: 'OPEN_PAUSE',
  /** No working day was found within the search horizon (e.g. every day of ten years is off). */
  NoWorkingDay: 'NO_WORKING_DAY',
} as const;
export type CalendarErrorCode = (typeof CalendarErrorCode)[keyof typeof CalendarErrorCode];

/** One problem in calendar data: a JSON pointer into the data and a message. */
export interface CalendarProblem {
  path: string;
  message: string;
}

export class CalendarError extends Error {
  override readonly name = 'CalendarError';

  constructor(
    readonly code: CalendarErrorCode,
    message: string,
    readonly problems: readonly CalendarProblem[] = [],
  ) {
    super(message);
  }
}
