import { describe, expect, it } from 'vitest';
import { runOverlapped, type BatchStages } from '../../src/app/overlappedBatches.js';

/** A promise settled from outside, so a test decides when each stage ends. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Stages that log what happens, with each batch's commit settled by the test. */
function recorded(batches: number) {
  const log: string[] = [];
  const commits = Array.from({ length: batches }, () => deferred());
  const stages: BatchStages<number, string> = {
    fetch: async (batch) => {
      log.push(`fetch ${batch}`);
      return `mails of ${batch}`;
    },
    submit: async (batch, fetched) => {
      log.push(`submit ${batch} (${fetched})`);
      const committed = commits[batch]!.promise;
      return {
        committed,
        finish: async () => {
          await committed;
          log.push(`finish ${batch}`);
        },
      };
    },
  };
  return { log, commits, stages };
}

describe('overlapped batches of a mailbox pass', () => {
  it('fetches the next batch before this one is submitted, and finishes batches in order after their commits', async () => {
    const { log, commits, stages } = recorded(3);
    const pass = runOverlapped([0, 1, 2], stages, { inFlight: 2, stopped: () => false });
    await turn();
    expect(log.slice(0, 3)).toEqual(['fetch 0', 'fetch 1', 'submit 0 (mails of 0)']);
    commits[1]!.resolve(); // committed out of order: batch 1 still waits for batch 0
    await turn();
    expect(log).not.toContain('finish 1');
    commits[0]!.resolve();
    commits[2]!.resolve();
    await pass;
    expect(log.filter((l) => l.startsWith('finish'))).toEqual(['finish 0', 'finish 1', 'finish 2']);
  });

  it('holds at most inFlight batches submitted and not committed', async () => {
    const { log, commits, stages } = recorded(4);
    const pass = runOverlapped([0, 1, 2, 3], stages, { inFlight: 2, stopped: () => false });
    await turn();
    expect(log.filter((l) => l.startsWith('submit'))).toHaveLength(2);
    commits[0]!.resolve();
    await turn();
    expect(log.filter((l) => l.startsWith('submit'))).toHaveLength(3);
    commits.forEach((c) => c.resolve());
    await pass;
    expect(log.filter((l) => l.startsWith('submit'))).toHaveLength(4);
  });

  it('stops at a failed commit: nothing after it is submitted, and the error goes up once the rest has finished', async () => {
    const { log, commits, stages } = recorded(4);
    const pass = runOverlapped([0, 1, 2, 3], stages, { inFlight: 2, stopped: () => false });
    await turn();
    commits[0]!.reject(new Error('database gone'));
    commits[1]!.resolve();
    await expect(pass).rejects.toThrow('database gone');
    expect(log).not.toContain('submit 3 (mails of 3)');
    expect(log.filter((l) => l.startsWith('finish'))).toEqual([]);
  });

  it('takes no more batches once stopped, and finishes those it started', async () => {
    const { log, commits, stages } = recorded(3);
    let stopped = false;
    const stopping: BatchStages<number, string> = {
      ...stages,
      // The daemon is told to stop while batch 1 is being parsed.
      submit: (batch, fetched) => {
        if (batch === 1) stopped = true;
        return stages.submit(batch, fetched);
      },
    };
    commits.forEach((c) => c.resolve());
    await runOverlapped([0, 1, 2], stopping, { inFlight: 2, stopped: () => stopped });
    expect(log.filter((l) => l.startsWith('submit'))).toEqual(['submit 0 (mails of 0)', 'submit 1 (mails of 1)']);
    expect(log.filter((l) => l.startsWith('finish'))).toEqual(['finish 0', 'finish 1']);
  });

  it('goes up with a failed fetch after finishing the batches before it', async () => {
    const { log, commits, stages } = recorded(2);
    const failing: BatchStages<number, string> = {
      ...stages,
      fetch: (batch) => (batch === 1 ? Promise.reject(new Error('IMAP timeout')) : stages.fetch(batch)),
    };
    commits[0]!.resolve();
    await expect(runOverlapped([0, 1], failing, { inFlight: 2, stopped: () => false })).rejects.toThrow('IMAP timeout');
    expect(log).toContain('finish 0');
  });
});
