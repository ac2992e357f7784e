import type { ActivatedJob, JobConsumer, JobConsumers } from './core/processor.ts';

/** A worker waiting for jobs: an open StreamActivatedJobs call, or a long-polling ActivateJobs. */
export interface WaitingConsumer extends JobConsumer {
  readonly type: string;
  /** Long polls take up to this many jobs from one batch, then answer; streams take any number. */
  readonly maxJobs: number;
  /** Called once the batch that activated the jobs is durable. Returns false when the caller is gone. */
  deliver(jobs: ActivatedJob[]): boolean;
}

interface Entry {
  consumer: WaitingConsumer;
  claimed: number;
  claimedInBatch?: number;
}

/**
 * The registry the processor asks when a job becomes activatable ("is anyone waiting for this
 * type?"). Streams are served round-robin and stay; a long poll takes jobs from one batch only
 * and then leaves, because it answers once.
 */
export class JobConsumerRegistry implements JobConsumers {
  private readonly byType = new Map<string, Entry[]>();
  private readonly byId = new Map<string, Entry>();
  private batch = 0;

  add(consumer: WaitingConsumer): void {
    const entry: Entry = { consumer, claimed: 0 };
    this.byId.set(consumer.id, entry);
    const list = this.byType.get(consumer.type) ?? [];
    list.push(entry);
    this.byType.set(consumer.type, list);
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    const list = (this.byType.get(entry.consumer.type) ?? []).filter((other) => other !== entry);
    if (list.length > 0) this.byType.set(entry.consumer.type, list);
    else this.byType.delete(entry.consumer.type);
  }

  get(id: string): WaitingConsumer | undefined {
    return this.byId.get(id)?.consumer;
  }

  /**
   * How many job streams of this type are open. A stream gets only jobs that become activatable after it was opened
   * (as on Zeebe): a client that must not miss one can wait for its stream here, else its backfill poll finds it.
   */
  streamsOf(type: string): number {
    return (this.byType.get(type) ?? []).filter((entry) => entry.consumer.maxJobs === Infinity).length;
  }

  /** Marks the start of a new batch: long polls that took jobs in an earlier batch take no more. */
  nextBatch(): void {
    this.batch++;
  }

  claim(type: string): JobConsumer | undefined {
    const list = this.byType.get(type);
    if (!list) return undefined;
    for (let index = 0; index < list.length; index++) {
      const entry = list[index];
      const isStream = entry.consumer.maxJobs === Infinity;
      if (!isStream) {
        if (entry.claimedInBatch !== undefined && entry.claimedInBatch !== this.batch) continue;
        if (entry.claimed >= entry.consumer.maxJobs) continue;
      }
      entry.claimed++;
      entry.claimedInBatch = this.batch;
      // Round-robin: the consumer that just got a job goes to the back.
      list.splice(index, 1);
      list.push(entry);
      return entry.consumer;
    }
    return undefined;
  }
}
