import { reason } from '../errors.js';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { ParseRequest, ParseResponse } from './parseWorker.js';
import { prepareMail, type PrepareOptions, type Prepared } from './prepare.js';

export interface RawToPrepare {
  raw: Buffer;
  sha256: string;
}

/** Mails sent to a thread in one message: fewer, larger messages cost less than one per mail. */
const CHUNK = 25;

interface Pending {
  resolve: (prepared: Prepared[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Parses mails on other threads, so that this one decides and writes while the next
 * mails are parsed (parsing is most of a mail's cost: see docs/architecture.md). With
 * no threads, mails are parsed here, one after the other.
 *
 * A thread that crashes, or does not answer within the parse timeout per mail (a mail
 * can hang a parser in ways a timer inside that thread cannot stop), is replaced; its
 * mails are tried again one at a time on a thread of their own, so that only the mail
 * at fault gets a reason and is quarantined.
 */
export class ParserPool {
  private readonly workers: (ParserThread | null)[];
  private turn = 0;
  private isolation: Promise<unknown> = Promise.resolve();
  private isolationThread: ParserThread | null = null;
  private inFlight = 0;
  private retiring: NodeJS.Timeout | null = null;

  /**
   * `workerFile`: the thread's code, parseWorker by default; a test gives one that fails on purpose.
   * `retireAfterMs`: threads idle this long are stopped (each holds its own V8 heap);
   * the next backlog starts them again.
   */
  constructor(
    threads: number,
    private readonly options: PrepareOptions,
    private readonly logger: Logger,
    private readonly workerFile?: URL,
    private readonly retireAfterMs = 5 * 60_000,
  ) {
    this.workers = new Array(threads).fill(null);
  }

  /** How many threads are running now. */
  get running(): number {
    return [...this.workers, this.isolationThread].filter((w) => w !== null && !w.exited).length;
  }

  /** The mails prepared, in order, each as soon as it and those before it are. */
  async *prepare(mails: RawToPrepare[]): AsyncGenerator<Prepared> {
    // A handful of mails (the daemon's everyday, one mail at a time) is parsed here at
    // once; threads pay off for a backlog.
    if (this.workers.length === 0 || mails.length < CHUNK) {
      for (const mail of mails) yield await prepareMail(mail.raw, mail.sha256, this.options);
      return;
    }
    // Every chunk is sent at once: the threads work ahead while results are consumed in order.
    const chunks: Promise<Prepared[]>[] = [];
    for (let start = 0; start < mails.length; start += CHUNK) chunks.push(this.onThread(mails.slice(start, start + CHUNK)));
    for (const chunk of chunks) chunk.catch(() => undefined); // each is awaited in turn below
    for (const chunk of chunks) yield* await chunk;
  }

  /**
   * Starts the threads that are not running yet, so that the first backlog does not
   * wait for them (a thread takes ~0.5 s to load mailparser and its charset tables).
   * Resolves once each has loaded or failed to; a thread that failed is replaced at
   * its first request.
   */
  warm(): Promise<void> {
    for (let i = 0; i < this.workers.length; i++) this.workers[i] = this.alive(this.workers[i]);
    return Promise.all(this.workers.map((w) => w?.started)).then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.retiring) clearTimeout(this.retiring);
    this.retiring = null;
    const running = [...this.workers, this.isolationThread].filter((w): w is ParserThread => w !== null);
    this.workers.fill(null);
    this.isolationThread = null;
    await Promise.all(running.map((w) => w.terminate()));
  }

  private async onThread(mails: RawToPrepare[]): Promise<Prepared[]> {
    this.inFlight++;
    if (this.retiring) clearTimeout(this.retiring);
    this.retiring = null;
    try {
      return await this.requestOnThread(mails);
    } finally {
      if (--this.inFlight === 0) {
        this.retiring = setTimeout(() => void (this.inFlight === 0 && this.close()), this.retireAfterMs);
        this.retiring.unref();
      }
    }
  }

  private async requestOnThread(mails: RawToPrepare[]): Promise<Prepared[]> {
    const index = this.turn++ % this.workers.length;
    const thread = (this.workers[index] = this.alive(this.workers[index]));
    try {
      return await thread.request(mails, this.timeoutFor(mails.length));
    } catch (error) {
      // Replaced, whatever it was doing for others: they fail over the same way.
      if (this.workers[index] === thread) this.workers[index] = null;
      void thread.terminate();
      this.logger.warn({ mails: mails.length, reason: (error as Error).message }, 'a parsing thread failed; its mails are tried again one by one');
      const one: Prepared[] = [];
      for (const mail of mails) one.push(await this.isolated(mail));
      return one;
    }
  }

  /**
   * A mail alone on a thread of its own, after one mail after the other: if it crashes
   * that thread or hangs it, no other mail is in the same request, so it alone gets
   * the reason.
   */
  private isolated(mail: RawToPrepare): Promise<Prepared> {
    const run = this.isolation.then(async (): Promise<Prepared> => {
      const thread = (this.isolationThread = this.alive(this.isolationThread));
      try {
        const [prepared] = await thread.request([mail], this.timeoutFor(1));
        return prepared!;
      } catch (error) {
        this.isolationThread = null;
        void thread.terminate();
        const why = reason('GUICHET_MAIL_UNPARSEABLE', (error as Error).message);
        this.logger.warn({ sha256: mail.sha256, reason: why }, 'a mail failed its parsing thread');
        return { reason: why };
      }
    });
    this.isolation = run.catch(() => undefined);
    return run;
  }

  /** The thread if it runs, else a new one: a message posted to a thread that died while idle (or starting) is never answered. */
  private alive(thread: ParserThread | null | undefined): ParserThread {
    return thread && !thread.exited ? thread : new ParserThread(this.options, this.workerFile);
  }

  /** The parse timeout runs inside the thread too; this one is for a thread that cannot run its timers any more. */
  private timeoutFor(mails: number): number {
    return this.options.timeoutMs * mails + 5_000;
  }
}

/** One worker thread and the requests it has not answered yet. */
class ParserThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Settles once the thread has loaded its code, or has failed before. */
  readonly started: Promise<void>;
  /** Set when the thread has stopped: a message posted to it would never be answered. */
  exited = false;
  private markStarted: () => void = () => undefined;

  constructor(options: PrepareOptions, workerFile?: URL) {
    // The daemon runs from TypeScript sources through tsx: a thread registers tsx's
    // loader before it loads the worker (Node 20 threads take no --import of it).
    const typescript = import.meta.url.endsWith('.ts');
    const file = (workerFile ?? new URL(`./parseWorker${typescript ? '.ts' : '.js'}`, import.meta.url)).href;
    const tsxApi = typescript ? (typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api') : null;
    this.worker = tsxApi
      ? new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); });`, { eval: true, workerData: options })
      : new Worker(new URL(file), { workerData: options });
    // Idle threads must not keep a finished `start --once` or CLI command alive.
    this.worker.unref();
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.worker.on('message', (message: ParseResponse | 'ready') => {
      if (message === 'ready') this.markStarted();
      else this.settle(message.id, (p) => p.resolve(message.prepared));
    });
    this.worker.on('error', (error) => this.failAll(new Error(`the parsing thread crashed: ${error.message}`)));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new Error(`the parsing thread exited with code ${code}`));
    });
  }

  request(mails: RawToPrepare[], timeoutMs: number): Promise<Prepared[]> {
    const id = this.nextId++;
    return new Promise<Prepared[]>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, (p) => p.reject(new Error(`parsing took longer than ${timeoutMs} ms`))), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      // Copies of the bytes: the raw mail stays here for the ledger.
      this.worker.postMessage({ id, mails: mails.map((m) => ({ raw: m.raw, sha256: m.sha256 })) } satisfies ParseRequest);
    });
  }

  terminate(): Promise<number> {
    this.failAll(new Error('the parsing thread was stopped'));
    return this.worker.terminate();
  }

  private settle(id: number, how: (pending: Pending) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    how(pending);
  }

  private failAll(error: Error): void {
    this.markStarted();
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(error));
  }
}
