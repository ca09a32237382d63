/** What a mailbox pass does with each batch of UIDs, in three stages. */
export interface BatchStages<B, F> {
  /** Downloads the batch. */
  fetch(batch: B): Promise<F>;
  /**
   * Hands the downloaded mails to the pipeline: resolves once they are parsed, with
   * `committed` (settles when every mail of the batch is written) and `finish` (what
   * to do with the batch after that: tally it, move it out of the inbox).
   */
  submit(batch: B, fetched: F): Promise<{ committed: Promise<unknown>; finish: () => Promise<void> }>;
}

export interface OverlapOptions {
  /** Batches submitted whose writes are not committed yet, at most: bounds the mails held in memory. */
  inFlight: number;
  /** Checked before each batch: a daemon stopping finishes what it started and takes no more. */
  stopped: () => boolean;
}

/**
 * Runs batches through fetch -> submit -> finish so that the stages overlap: the next
 * batch downloads while this one is parsed, a batch is submitted once the one
 * `inFlight` places before it is committed, and batches finish in their order, each
 * after its own commit. Neither the main thread nor the database waits for the IMAP
 * server. A failed fetch or commit stops the pass: nothing after it is submitted, what
 * was started is finished (or fails) before the error goes up, and the mails left stay
 * in the inbox for the next pass.
 */
export async function runOverlapped<B, F>(batches: readonly B[], stages: BatchStages<B, F>, options: OverlapOptions): Promise<void> {
  let finished: Promise<void> = Promise.resolve();
  const committing: Promise<unknown>[] = [];
  const fetch = (batch: B) => {
    const fetching = stages.fetch(batch);
    fetching.catch(() => undefined); // awaited in its turn; a failure must not be unhandled meanwhile
    return fetching;
  };
  try {
    let fetching = batches.length > 0 ? fetch(batches[0]!) : null;
    for (const [k, batch] of batches.entries()) {
      if (options.stopped()) break;
      const fetched = await fetching!;
      if (k + 1 < batches.length) fetching = fetch(batches[k + 1]!);
      if (committing.length >= options.inFlight) await committing.shift();
      const { committed, finish } = await stages.submit(batch, fetched);
      committing.push(committed);
      finished = finished.then(finish);
      finished.catch(() => undefined);
    }
    await finished;
  } finally {
    // Nothing is left running when the pass returns or throws.
    await finished.catch(() => undefined);
  }
}
