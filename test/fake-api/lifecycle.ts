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
