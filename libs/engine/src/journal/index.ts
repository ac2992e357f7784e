export { Journal, JournalCorruptError } from './journal.ts';
export type { JournalOptions, JournalStats, Recovered } from './journal.ts';
