export interface GroupCommitOptions<T> {
  /** Writes several items in one round trip; all or nothing. */
  writeMany(items: T[]): Promise<void>;
  /** Items with the same key are written one after another, in the order they were added, never in one batch. */
  keyOf(item: T): string;
  maxBatch: number;
  /** Batches written at once; items arriving meanwhile wait and go out together in the next batch. */
  maxInFlight: number;
}

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit: under load, items that arrive while a write is in flight are combined into one statement instead
 * of one round trip each, which is what bounds a busy instance's database cost per item. When idle an item is written
 * at the end of the current event-loop turn, so it adds no waiting. Every caller's promise settles only when its own
 * item is durably written; if a batch fails, its items are retried one by one so a single bad item fails alone.
 */
export class GroupCommit<T> {
  private readonly queue: Pending<T>[] = [];
  private readonly keysInFlight = new Set<string>();
  private readonly flushes = new Set<Promise<void>>();
  private scheduled = false;

  constructor(private readonly options: GroupCommitOptions<T>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything added so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length || this.flushes.size) {
      if (this.flushes.size) await Promise.allSettled([...this.flushes]);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushes.size >= this.options.maxInFlight) return;
    this.scheduled = true;
    // setImmediate rather than a microtask: items added by other I/O callbacks of the same loop turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.flushes.size < this.options.maxInFlight) {
      const batch = this.takeBatch();
      if (!batch.length) return;
      const flush = this.write(batch).finally(() => {
        this.flushes.delete(flush);
        for (const p of batch) this.keysInFlight.delete(this.options.keyOf(p.item));
        if (this.queue.length) this.schedule();
      });
      this.flushes.add(flush);
    }
  }

  private takeBatch(): Pending<T>[] {
    const batch: Pending<T>[] = [];
    for (let i = 0; i < this.queue.length && batch.length < this.options.maxBatch;) {
      const key = this.options.keyOf(this.queue[i].item);
      // A key in flight (including one just taken into this batch) keeps its place for a later batch.
      if (this.keysInFlight.has(key)) {
        i++;
        continue;
      }
      this.keysInFlight.add(key);
      batch.push(this.queue.splice(i, 1)[0]);
    }
    return batch;
  }

  private async write(batch: Pending<T>[]): Promise<void> {
    try {
      await this.options.writeMany(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      await Promise.all(batch.map((p) => this.options.writeMany([p.item]).then(p.resolve, p.reject)));
    }
  }
}
