import { mapConcurrent } from './pipeline';
import { anySignal, isAbortError, WaitAbortedError, waitFor } from './wait';

/**
 * When to look again at a job that is still running. The interval grows with the time already
 * waited (a fixed share of it), between a floor and a cap: a job that finishes is noticed within
 * max(minIntervalMs, growth × its processing time), and a long job costs few requests.
 */
export interface PollSchedule {
	/** Delay from submission to the first look. */
	firstDelayMs: number;
	minIntervalMs: number;
	/** Share of the time waited so far, e.g. 0.15 = look again after 15 % more time. */
	growth: number;
	maxIntervalMs: number;
}

// Chosen so a finished job is noticed within max(0.5 s, 15 % of its processing time), including the
// request that fetches its results: intervals stay 20 % under that bound (measured by npm run bench).
export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
	firstDelayMs: 1000,
	minIntervalMs: 400,
	growth: 0.12,
	maxIntervalMs: 15_000,
};

/** Delay until the next look, for a job that has been waited on for `elapsedMs`. */
export function nextPollDelay(elapsedMs: number, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE): number {
	return Math.min(schedule.maxIntervalMs, Math.max(schedule.minIntervalMs, elapsedMs * schedule.growth));
}

/** The job is still running when its wait ran out. */
export class PollTimeoutError extends Error {
	constructor(readonly waitedMs: number) {
		super(`Still processing after ${Math.round(waitedMs / 1000)} s`);
		this.name = 'PollTimeoutError';
	}
}

export type PollState<T> = { done: true; value: T } | { done: false; retryAfterMs?: number };

/**
 * Looks at one thing until it is done, following the schedule (or the API's own retry hint when it
 * is longer), up to the deadline; stops at once when the execution is cancelled.
 */
export async function pollUntil<T>(
	check: () => Promise<PollState<T>>,
	options: {
		timeoutMs: number;
		signal?: AbortSignal;
		schedule?: PollSchedule;
		/** When the awaited work started (default: now). */
		startedAt?: number;
		/** Look immediately instead of after firstDelayMs. */
		checkFirst?: boolean;
		maxChecks?: number;
	},
): Promise<T> {
	const schedule = options.schedule ?? DEFAULT_POLL_SCHEDULE;
	const startedAt = options.startedAt ?? Date.now();
	const deadline = startedAt + options.timeoutMs;
	const maxChecks = options.maxChecks ?? 100_000;
	let delay = options.checkFirst ? 0 : Math.max(0, startedAt + schedule.firstDelayMs - Date.now());
	for (let checks = 0; checks < maxChecks; checks++) {
		if (delay > 0) {
			if (Date.now() + delay > deadline) {
				await waitFor(Math.max(0, deadline - Date.now()), options.signal);
				throw new PollTimeoutError(Date.now() - startedAt);
			}
			await waitFor(delay, options.signal);
		}
		const state = await check();
		if (state.done) return state.value;
		const planned = nextPollDelay(Date.now() - startedAt, schedule);
		delay = Math.max(planned, state.retryAfterMs ?? 0);
	}
	throw new PollTimeoutError(Date.now() - startedAt);
}

/**
 * What a check found out about one job: finished, failed for good, still running (`running`), or
 * (`retryable`) the check of this job failed — it is checked again later and given up only after
 * repeated failures.
 */
export type JobOutcome<R> =
	| { done: true; value: R }
	| { done: false; running: true }
	| { done: false; error: Error; retryable?: boolean };

/** A check found the job still running. */
export const STILL_RUNNING = { done: false, running: true } as const;

/** How a job ended: its result, or why it failed. */
export type FinalOutcome<R> = Exclude<JobOutcome<R>, { running: true }>;

/**
 * Checks a set of outstanding jobs. It must report on the `due` jobs it can and may also report on
 * `others` when one call tells it their state anyway (a list endpoint): a job reported running is
 * rescheduled from now, so the jobs of one list settle into one cadence and share its calls. Jobs
 * it does not report on stay pending. Failures of single jobs belong in the map, so one bad job
 * never fails another; a thrown error means the whole check failed and is retried on the next tick.
 */
export type JobChecker<J, R> = (due: J[], others: J[]) => Promise<Map<J, JobOutcome<R>>>;

interface TrackedJob<J, R> {
	job: J;
	submittedAt: number;
	deadline: number;
	nextCheckAt: number;
	failedChecks: number;
	resolve: (value: R) => void;
	reject: (error: Error) => void;
}

/** Consecutive failed checks (after the request layer's own retries) before a job is given up. */
const MAX_FAILED_CHECKS = 3;
/** Jobs due within this window ride along with the current check (small: an early check that finds
 * the job unfinished pushes its next check a whole interval out). */
const COALESCE_MS = 50;

/**
 * Waits on many jobs at once: one loop, one tick for all outstanding jobs, so N documents cost one
 * status check per tick when the API can report many jobs in one call — never N parallel loops.
 */
export class BatchPoller<J, R> {
	private readonly pending = new Map<J, TrackedJob<J, R>>();

	private running = false;

	private wake: AbortController | undefined;

	private wakeAt = Infinity;

	private readonly onCancel: () => void;

	constructor(
		private readonly checker: JobChecker<J, R>,
		private readonly options: {
			signal?: AbortSignal;
			schedule?: PollSchedule;
			timeoutError?: (job: J, waitedMs: number) => Error;
		} = {},
	) {
		this.onCancel = () => this.rejectAll(new WaitAbortedError(options.signal?.reason));
		options.signal?.addEventListener('abort', this.onCancel, { once: true });
	}

	get size(): number {
		return this.pending.size;
	}

	/** Resolves with the job's result, rejects with its failure, a timeout, or cancellation. */
	async track(job: J, options: { timeoutMs: number; submittedAt?: number; firstCheckAt?: number }): Promise<R> {
		if (this.options.signal?.aborted) throw new WaitAbortedError(this.options.signal.reason);
		const schedule = this.options.schedule ?? DEFAULT_POLL_SCHEDULE;
		const submittedAt = options.submittedAt ?? Date.now();
		return await new Promise<R>((resolve, reject) => {
			const tracked: TrackedJob<J, R> = {
				job,
				submittedAt,
				deadline: submittedAt + options.timeoutMs,
				nextCheckAt: options.firstCheckAt ?? submittedAt + schedule.firstDelayMs,
				failedChecks: 0,
				resolve,
				reject,
			};
			this.pending.set(job, tracked);
			if (Math.min(tracked.nextCheckAt, tracked.deadline) < this.wakeAt) this.wake?.abort();
			if (!this.running) void this.loop();
		});
	}

	/** Stops listening for cancellation; call when the node is done with this poller. */
	dispose(): void {
		this.options.signal?.removeEventListener('abort', this.onCancel);
		this.rejectAll(new WaitAbortedError('Polling stopped'));
	}

	private rejectAll(error: Error): void {
		for (const tracked of this.pending.values()) tracked.reject(error);
		this.pending.clear();
		this.wake?.abort();
	}

	private settle(tracked: TrackedJob<J, R>, outcome: FinalOutcome<R>): void {
		this.pending.delete(tracked.job);
		if (outcome.done) tracked.resolve(outcome.value);
		else tracked.reject(outcome.error);
	}

	private async loop(): Promise<void> {
		this.running = true;
		const schedule = this.options.schedule ?? DEFAULT_POLL_SCHEDULE;
		try {
			while (this.pending.size > 0 && !this.options.signal?.aborted) {
				const jobs = [...this.pending.values()];
				this.wakeAt = Math.min(...jobs.map((t) => Math.min(t.nextCheckAt, t.deadline)));
				const delay = this.wakeAt - Date.now();
				if (delay > 0) {
					this.wake = new AbortController();
					const slept = await waitFor(delay, anySignal(this.options.signal, this.wake.signal)).then(
						() => true,
						(error: unknown) => (isAbortError(error) ? false : Promise.reject(error)),
					);
					this.wake = undefined;
					this.wakeAt = Infinity;
					if (this.options.signal?.aborted) return;
					if (!slept) continue; // woken early: a new job is due sooner
				}

				const now = Date.now();
				for (const tracked of this.pending.values()) {
					if (tracked.deadline <= now) {
						const waited = now - tracked.submittedAt;
						this.settle(tracked, {
							done: false,
							error: this.options.timeoutError?.(tracked.job, waited) ?? new PollTimeoutError(waited),
						});
					}
				}
				const due: Array<TrackedJob<J, R>> = [];
				const others: Array<TrackedJob<J, R>> = [];
				for (const tracked of this.pending.values()) (tracked.nextCheckAt <= now + COALESCE_MS ? due : others).push(tracked);
				if (due.length === 0) continue;

				let outcomes: Map<J, JobOutcome<R>>;
				try {
					outcomes = await this.checker(
						due.map((t) => t.job),
						others.map((t) => t.job),
					);
				} catch (error) {
					if (this.options.signal?.aborted || isAbortError(error)) return;
					for (const tracked of due) {
						tracked.failedChecks++;
						if (tracked.failedChecks >= MAX_FAILED_CHECKS) {
							this.settle(tracked, { done: false, error: error as Error });
						} else {
							tracked.nextCheckAt = Date.now() + nextPollDelay(Date.now() - tracked.submittedAt, schedule);
						}
					}
					continue;
				}

				const checkedAt = Date.now();
				const reschedule = (tracked: TrackedJob<J, R>) =>
					(tracked.nextCheckAt = checkedAt + nextPollDelay(checkedAt - tracked.submittedAt, schedule));
				for (const [tracked, wasDue] of [...due.map((t) => [t, true] as const), ...others.map((t) => [t, false] as const)]) {
					if (!this.pending.has(tracked.job)) continue;
					const outcome = outcomes.get(tracked.job);
					if (outcome === undefined) {
						// Not reported: a due job is looked at again later; another keeps its schedule.
						if (wasDue) {
							tracked.failedChecks = 0;
							reschedule(tracked);
						}
					} else if (outcome.done || !('running' in outcome || outcome.retryable)) {
						this.settle(tracked, outcome);
					} else if ('running' in outcome) {
						tracked.failedChecks = 0;
						reschedule(tracked);
					} else if (++tracked.failedChecks >= MAX_FAILED_CHECKS) {
						this.settle(tracked, outcome);
					} else {
						reschedule(tracked);
					}
				}
			}
		} catch (error) {
			this.rejectAll(error as Error);
		} finally {
			this.running = false;
			// A job may have been added while the loop was finishing.
			if (this.pending.size > 0 && !this.options.signal?.aborted) void this.loop();
		}
	}
}

/**
 * The checker both vendors use. Jobs are grouped (by workflow, by upload session…); a group with
 * at least `threshold` outstanding jobs has its statuses read with one list call, which also tells
 * the poller which of them still run, and only jobs the list shows as finished — or does not show
 * at all, when due — are fetched one by one. Smaller groups fetch each due job directly. A failed
 * fetch is that job's own retryable failure.
 */
export function listThenFetchChecker<J, R>(spec: {
	groupOf: (job: J) => { key: string; threshold: number };
	/** Reads the statuses of a group's jobs: true = finished (fetch it), false = still running, undefined = not listed. */
	listStatuses: (groupKey: string, jobs: J[]) => Promise<(job: J) => boolean | undefined>;
	/** One job's state: how it ended, or undefined while it runs. */
	fetch: (job: J) => Promise<FinalOutcome<R> | undefined>;
	fetchConcurrency: number;
}): JobChecker<J, R> {
	return async (due, others) => {
		const dueSet = new Set(due);
		const groups = new Map<string, { threshold: number; jobs: J[] }>();
		for (const job of [...due, ...others]) {
			const { key, threshold } = spec.groupOf(job);
			const group = groups.get(key) ?? { threshold, jobs: [] };
			group.jobs.push(job);
			groups.set(key, group);
		}

		const outcomes = new Map<J, JobOutcome<R>>();
		const toFetch: J[] = [];
		for (const [key, { threshold, jobs }] of groups) {
			if (!jobs.some((job) => dueSet.has(job))) continue;
			if (jobs.length < threshold) {
				toFetch.push(...jobs.filter((job) => dueSet.has(job)));
				continue;
			}
			const finished = await spec.listStatuses(key, jobs);
			for (const job of jobs) {
				const listed = finished(job);
				if (listed === false) outcomes.set(job, STILL_RUNNING);
				else if (listed === true || dueSet.has(job)) toFetch.push(job);
			}
		}

		const fetched = await mapConcurrent(toFetch.length, spec.fetchConcurrency, async (i) => await spec.fetch(toFetch[i]));
		fetched.forEach((result, i) => {
			if (result.ok) outcomes.set(toFetch[i], result.value ?? STILL_RUNNING);
			// Only this job's fetch failed: the poller checks it again later, the others go on.
			else outcomes.set(toFetch[i], { done: false, error: result.error as Error, retryable: true });
		});
		return outcomes;
	};
}
