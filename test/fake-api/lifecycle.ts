/**
 * Job timing. Statuses are derived from the clock (elapsed time vs latency), so reads need no timers; one timer
 * per job fires at completion to emit 'job:ready' and send webhooks. The same finalisation also runs lazily
 * (sweep) before every request, so a read can never see "processed" before its events went out, and a custom
 * clock works too (call FakeApi.tick() after moving it).
 */
import type { Clock } from './ids';

export interface TimedJob {
	id: string;
	/** When processing started; null = uploaded but never run. */
	submittedAt: number | null;
	latencyMs: number;
	/** Set by completeNow(): overrides submittedAt + latency. */
	forcedReadyAt: number | null;
	finalized: boolean;
}

/** When the job becomes terminal (null when it was never started). */
export function readyTime(job: TimedJob): number | null {
	if (job.submittedAt === null) return null;
	return job.forcedReadyAt ?? job.submittedAt + job.latencyMs;
}

/** Fraction of the processing time elapsed: 0 at submission, ≥ 1 when terminal. */
export function progress(job: TimedJob, now: number): number {
	const ready = readyTime(job);
	if (ready === null || job.submittedAt === null) return 0;
	if (now >= ready) return 1;
	const total = ready - job.submittedAt;
	return total <= 0 ? 1 : Math.min(0.999, (now - job.submittedAt) / total);
}

export function isTerminal(job: TimedJob, now: number): boolean {
	const ready = readyTime(job);
	return ready !== null && now >= ready;
}

/** Resolves a latency option into milliseconds (never negative, never NaN). */
export function resolveLatency<D>(setting: number | ((doc: D) => number), doc: D): number {
	const value = typeof setting === 'function' ? setting(doc) : setting;
	return Number.isFinite(value) && value > 0 ? value : 0;
}

export class CompletionScheduler {
	private readonly timers = new Map<string, NodeJS.Timeout>();

	constructor(private readonly clock: Clock) {}

	/** Calls onDue when the clock reaches `at` (re-arming if the timer fires early relative to the clock). */
	schedule(key: string, at: number, onDue: () => void): void {
		this.cancel(key);
		const arm = () => {
			const wait = Math.max(0, at - this.clock());
			const timer = setTimeout(() => {
				this.timers.delete(key);
				if (this.clock() >= at) onDue();
				else arm();
			}, Math.max(wait, 1));
			this.timers.set(key, timer);
		};
		arm();
	}

	cancel(key: string): void {
		const timer = this.timers.get(key);
		if (timer) clearTimeout(timer);
		this.timers.delete(key);
	}

	cancelAll(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
	}

	get size(): number {
		return this.timers.size;
	}
}

/**
 * A vendor's started, not yet finalised jobs and their completion timers (keys `${prefix}:${id}`, as both vendors
 * share one scheduler). sweep() only has to look at these; claim() lets a job be finalised once, whichever of its
 * timer, a sweep or completeNow() gets there first. Invariant: a job has a timer only while it is tracked.
 */
export class ActiveJobs<J extends TimedJob> {
	private readonly jobs = new Set<J>();

	constructor(
		private readonly scheduler: CompletionScheduler,
		private readonly prefix: string,
		private readonly onDue: (job: J) => void,
	) {}

	/** Tracks a started job and arms its timer for its ready time. */
	add(job: J): void {
		this.jobs.add(job);
		const at = readyTime(job);
		if (at !== null) this.scheduler.schedule(this.key(job), at, () => this.onDue(job));
	}

	/** Stops tracking a job (deleted or finalised) and drops its timer. */
	remove(job: J): void {
		this.jobs.delete(job);
		this.scheduler.cancel(this.key(job));
	}

	/** True the first time only: marks the job finalised and stops tracking it. */
	claim(job: J): boolean {
		if (job.finalized) return false;
		job.finalized = true;
		this.remove(job);
		return true;
	}

	/** Hands every tracked job that is terminal at `now` to onDue (a copy: onDue removes from the set). */
	sweep(now: number): void {
		for (const job of [...this.jobs]) {
			if (isTerminal(job, now)) this.onDue(job);
		}
	}

	clear(): void {
		for (const job of this.jobs) this.scheduler.cancel(this.key(job));
		this.jobs.clear();
	}

	private key(job: J): string {
		return `${this.prefix}:${job.id}`;
	}
}

/**
 * Waits `ms` with the timer held in `timers` until it fires, so the owner's close/reset can clear pending waits
 * (a cleared wait never resolves, which stops the work behind it). Used by 'slow' faults and webhook retries.
 */
export function trackedDelay(timers: Set<NodeJS.Timeout>, ms: number): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			resolve();
		}, ms);
		timers.add(timer);
	});
}
