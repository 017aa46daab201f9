import type { IDataObject } from 'n8n-workflow';

import { ApiRequestError } from './errors';
import { waitFor } from './wait';

/**
 * Lets submissions run side by side, but gives reconciliation exclusive access: while we look for
 * a submission that failed yet may have landed, no other submission of this batch is on the wire,
 * so every landed submission of ours is already known.
 */
class SubmissionLock {
	private active = 0;

	private exclusive: Promise<void> | undefined;

	private drained: (() => void) | undefined;

	async shared<T>(work: () => Promise<T>): Promise<T> {
		for (let i = 0; this.exclusive && i < 1000; i++) await this.exclusive;
		this.active++;
		try {
			return await work();
		} finally {
			this.active--;
			if (this.active === 0) this.drained?.();
		}
	}

	async exclusively<T>(work: () => Promise<T>): Promise<T> {
		for (let i = 0; this.exclusive && i < 1000; i++) await this.exclusive;
		let release!: () => void;
		this.exclusive = new Promise((resolve) => (release = resolve));
		try {
			if (this.active > 0) await new Promise<void>((resolve) => (this.drained = resolve));
			this.drained = undefined;
			return await work();
		} finally {
			this.exclusive = undefined;
			release();
		}
	}
}

export interface SubmitOptions<T> {
	/** Sends the submission once. The request layer marks failures that may have landed as ambiguous. */
	send: () => Promise<T>;
	/** Ids the API gave the accepted submission (collection ids, extract ids). */
	idsOf: (result: T) => string[];
	/**
	 * Ids of submissions the API holds that were created at or after `since` (epoch ms, this
	 * machine's clock; allow for clock skew). Without it an ambiguous failure is never resent.
	 */
	findSince?: (since: number) => Promise<string[]>;
	/** Called when an ambiguous failure is settled: the candidates found, or none. */
	describeAmbiguous: (error: ApiRequestError, landed: string[]) => ApiRequestError;
	signal?: AbortSignal;
}

/** Resend attempts after a failure that provably did not land. */
const MAX_SUBMIT_ATTEMPTS = 4;
/** Time for a submission that was still being stored to become visible before we look. */
const RECONCILE_GRACE_MS = 1000;

/**
 * Every submission of one node run goes through here. A submission is sent once; if it fails in a
 * way that may have reached the API (5xx, reset, timeout, unreadable answer), it is only sent again
 * after the API shows that nothing new and unclaimed arrived — otherwise the item fails and names
 * the candidate ids. So a retry never makes the user pay twice.
 */
export class SubmissionLedger {
	private readonly claimed = new Set<string>();

	private readonly lock = new SubmissionLock();

	claim(...ids: string[]): void {
		for (const id of ids) this.claimed.add(id);
	}

	isClaimed(id: string): boolean {
		return this.claimed.has(id);
	}

	async submit<T>(options: SubmitOptions<T>): Promise<T> {
		for (let attempt = 1; ; attempt++) {
			const startedAt = Date.now();
			const sent = await this.lock.shared(options.send).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			);
			if (sent.ok) {
				this.claim(...options.idsOf(sent.value));
				return sent.value;
			}
			const failure = sent.error;
			if (!(failure instanceof ApiRequestError) || !failure.ambiguous) throw failure;
			if (!options.findSince || attempt >= MAX_SUBMIT_ATTEMPTS) throw options.describeAmbiguous(failure, []);
			const landed = await this.lock.exclusively(async () => {
				await waitFor(RECONCILE_GRACE_MS, options.signal);
				return (await options.findSince!(startedAt)).filter((id) => !this.claimed.has(id));
			});
			if (landed.length > 0) throw options.describeAmbiguous(failure, landed);
			// Nothing arrived: the API never stored it, so sending again cannot duplicate it.
		}
	}
}

/** Date headers have one-second resolution; allow a few seconds more for ordering inside the API. */
const CLOCK_ALLOWANCE_MS = 5000;

/**
 * For `findSince`: the IDs of listed submissions created at or after `since` (this machine's
 * clock). `clockOffsetMs` is how far the API's clock (its Date header) is ahead of ours, so skew
 * between the machines does not hide a stored submission; one without a readable date is kept,
 * as it may be ours.
 */
export function idsCreatedSince(entries: IDataObject[], since: number, clockOffsetMs: number): string[] {
	const earliest = since + clockOffsetMs - CLOCK_ALLOWANCE_MS;
	return entries
		.filter((entry) => {
			const created = Date.parse(String(entry.created_at ?? ''));
			return typeof entry.id === 'string' && entry.id !== '' && (Number.isNaN(created) || created >= earliest);
		})
		.map((entry) => entry.id as string);
}
