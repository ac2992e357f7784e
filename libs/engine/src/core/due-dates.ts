/** What may fall due: a timer, an activated job's deadline, a failed job's back-off, a buffered message's TTL. */
export type DueKind = 'timer' | 'jobDeadline' | 'jobRecur' | 'messageExpiry';

export interface DueItem {
  readonly due: number;
  readonly kind: DueKind;
  readonly key: string;
}

/**
 * A binary min-heap of due dates. Entries are never removed when their subject changes: the
 * processor checks on pop that the subject is still due at that time (lazy deletion).
 */
export class DueDates {
  private readonly heap: DueItem[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: DueItem): void {
    const heap = this.heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent].due <= item.due) break;
      heap[index] = heap[parent];
      index = parent;
    }
    heap[index] = item;
  }

  peek(): DueItem | undefined {
    return this.heap[0];
  }

  pop(): DueItem | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].due < heap[left].due ? right : left;
      if (heap[child].due >= last.due) break;
      heap[index] = heap[child];
      index = child;
    }
    heap[index] = last;
    return top;
  }
}
