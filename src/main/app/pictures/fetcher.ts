// Fetches contacts' pictures into the cache: one request per object however many contacts use
// it, a few at a time so a list coming online does not open fifty P2P sessions at once, and a
// failed or corrupt download retried after a growing pause, then given up (the placeholder stays).
import { SYSTEM_TIMERS, type Timers } from '../contacts';
import type { ObjectStore } from './store';

export interface PictureRequest {
  readonly email: string;
  readonly sha1d: string;
  /** The contact's msnobj XML, as the engine needs it to ask for the object. */
  readonly msnObject: string;
}

export interface PictureFetcherDeps {
  readonly store: ObjectStore;
  /** Downloads the object's bytes from its owner (over P2P). */
  readonly download: (request: PictureRequest) => Promise<Uint8Array>;
  /** The object is in the cache, verified: show it for these contacts. */
  readonly ready: (sha1d: string, emails: readonly string[]) => void;
  readonly failed?: (sha1d: string, emails: readonly string[], reason: string) => void;
  readonly timers?: Timers;
  readonly concurrency?: number;
  /** Pauses before each retry; the number of entries is the number of retries. */
  readonly retryDelaysMs?: readonly number[];
}

interface Job {
  readonly sha1d: string;
  /** The newest msnobj and owner for this object (any contact using it can serve it). */
  request: PictureRequest;
  readonly emails: Set<string>;
  attempt: number;
  timer?: unknown;
}

export class PictureFetcher {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  private readonly timers: Timers;
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];
  private generation = 0;

  constructor(private readonly deps: PictureFetcherDeps) {
    this.timers = deps.timers ?? SYSTEM_TIMERS;
    this.concurrency = deps.concurrency ?? 3;
    this.retryDelaysMs = deps.retryDelaysMs ?? [2_000, 10_000, 60_000];
  }

  /** Makes sure the object ends up in the cache; `ready` is called once it is (at once if it is). */
  want(request: PictureRequest): void {
    const existing = this.jobs.get(request.sha1d);
    if (existing) {
      existing.emails.add(request.email);
      existing.request = request;
      return;
    }
    const job: Job = { sha1d: request.sha1d, request, emails: new Set([request.email]), attempt: 0 };
    this.jobs.set(request.sha1d, job);
    const generation = this.generation;
    void this.deps.store.has(request.sha1d).then((cached) => {
      if (generation !== this.generation || this.jobs.get(job.sha1d) !== job) return;
      if (cached) this.finish(job, undefined);
      else {
        this.queue.push(job);
        this.pump();
      }
    });
  }

  /** Forgets everything in flight (sign-out): nothing is reported for it afterwards. */
  clear(): void {
    this.generation += 1;
    for (const job of this.jobs.values()) if (job.timer !== undefined) this.timers.clearTimeout(job.timer);
    this.jobs.clear();
    this.queue.length = 0;
    this.running = 0;
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift();
      if (job) this.run(job);
    }
  }

  private run(job: Job): void {
    const generation = this.generation;
    this.running += 1;
    const attempt = async (): Promise<void> => {
      const bytes = await this.deps.download(job.request);
      await this.deps.store.put(bytes, job.sha1d);
    };
    attempt().then(
      () => {
        if (generation !== this.generation) return;
        this.running -= 1;
        this.finish(job, undefined);
        this.pump();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.running -= 1;
        this.retryOrFail(job, error instanceof Error ? error.message : String(error));
        this.pump();
      },
    );
  }

  private retryOrFail(job: Job, reason: string): void {
    const delay = this.retryDelaysMs[job.attempt];
    if (delay === undefined) {
      this.finish(job, reason);
      return;
    }
    job.attempt += 1;
    job.timer = this.timers.setTimeout(() => {
      job.timer = undefined;
      this.queue.push(job);
      this.pump();
    }, delay);
  }

  private finish(job: Job, failure: string | undefined): void {
    this.jobs.delete(job.sha1d);
    const emails = [...job.emails];
    if (failure === undefined) this.deps.ready(job.sha1d, emails);
    else this.deps.failed?.(job.sha1d, emails, failure);
  }
}
