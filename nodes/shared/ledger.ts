import { ApiRequestError } from './errors';
import { Semaphore, SkippedError } from './pipeline';
import { isAbortError, waitFor } from './wait';

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

/** What to do when a lost answer cannot be told apart from other submissions: send it again (and say so on the item), or fail the item. */
export type LostAnswers = 'resend' | 'fail';

/** What the API shows about a submission whose answer was lost. */
export type Landed<Receipt> =
	/** It is this submission (a tag or a known ID says so): adopt it, do not send again. */
	| { kind: 'landed'; receipt: Receipt }
	/** Nothing of it was stored: sending again cannot duplicate it. */
	| { kind: 'absent' }
	/** It may be one of these; the API cannot say which (other clients use the same workflow). */
	| { kind: 'candidates'; receipts: Receipt[] }
	/** The API offers no way to look. */
	| { kind: 'unknown' };

/** One way of sending a submission, and how a lost answer of it is looked for. */
export interface SubmissionRoute<Receipt> {
	/** Sends once; the request layer marks failures that may have landed as ambiguous. */
	send: () => Promise<Receipt>;
	/** What a send of this route that started at `since` (this machine's clock) left on the API. */
	findLanded?: (since: number) => Promise<Landed<Receipt>>;
}

export interface SubmitOptions<Receipt> {
	route: SubmissionRoute<Receipt>;
	/**
	 * A route whose lost answers are always told apart exactly (e.g. upload first, then run the
	 * known upload), built on demand. Used to resend when `route` cannot tell, and from the start
	 * with `lostAnswers: 'fail'`.
	 */
	exactRoute?: () => Promise<SubmissionRoute<Receipt>>;
	/** IDs the API gave an accepted submission (collection IDs, extract IDs). */
	idsOf: (receipt: Receipt) => string[];
	lostAnswers: LostAnswers;
	/** The error an item fails with when its lost answer is left unresolved: the candidates, or none. */
	describeAmbiguous: (error: ApiRequestError, candidates: string[]) => ApiRequestError;
	signal?: AbortSignal;
}

export interface SubmitOutcome<Receipt> {
	receipt: Receipt;
	/** Found on the API after its answer was lost, and taken as this submission (not sent again). */
	adopted: boolean;
	/** Stored submissions that may be earlier copies of this one: the API could not tell, so it was sent again. */
	possibleDuplicates: Receipt[];
	/** A lost answer that the API offers no way to check was sent again: an earlier copy may exist. */
	resentUnchecked: boolean;
}

/**
 * Submissions on the wire at once. They are paced to the API's rate limit either way; this bounds
 * the memory of uploads in progress (each may carry a whole file) however many documents wait.
 */
export const SUBMISSIONS_ON_THE_WIRE = 8;

/** Sends per route before an item gives up; every resend follows proof that nothing was stored. */
const MAX_SENDS_PER_ROUTE = 4;
/** Time for a submission that was still being stored to become visible before we look. */
const RECONCILE_GRACE_MS = 1000;

// Submissions accepted by any node run in this n8n process (parallel executions of a workflow share
// it). A lookup after a lost answer never takes one of these for its own. Bounded; oldest first out.
const processClaims = new Set<string>();
const MAX_PROCESS_CLAIMS = 20_000;

function claimInProcess(id: string): void {
	processClaims.delete(id);
	processClaims.add(id);
	if (processClaims.size > MAX_PROCESS_CLAIMS) processClaims.delete(processClaims.values().next().value!);
}

/**
 * Every submission of one node run goes through here. A submission is sent once; if it fails in a
 * way that may have reached the API (5xx, reset, timeout, unreadable answer), the API is asked
 * what arrived (with no other submission of this run on the wire, so all of ours are claimed):
 * a submission identified as this one is adopted; nothing stored means it is sent again; stored
 * submissions the API cannot tell apart are either named in a failure (`lostAnswers: 'fail'`) or
 * reported on the item as possible duplicates while it is sent again, through the exact route
 * when there is one (and from then on, the whole run takes the exact route).
 */
export class SubmissionLedger {
	private readonly claimed = new Set<string>();

	private readonly lock = new SubmissionLock();

	/** Set once a lost answer could not be attributed: this run's later submissions take the exact route. */
	private unattributable = false;

	private readonly wire = new Semaphore(SUBMISSIONS_ON_THE_WIRE);

	/** Set when the run stops on an error: submissions not yet sent are skipped. */
	private halted = false;

	/** Sends nothing more: submissions still waiting settle as skipped. */
	halt(): void {
		this.halted = true;
	}

	claim(...ids: string[]): void {
		for (const id of ids) {
			this.claimed.add(id);
			claimInProcess(id);
		}
	}

	isClaimed(id: string): boolean {
		return this.claimed.has(id) || processClaims.has(id);
	}

	async submit<Receipt>(options: SubmitOptions<Receipt>): Promise<SubmitOutcome<Receipt>> {
		const possibleDuplicates: Receipt[] = [];
		let resentUnchecked = false;
		// The network has lost an answer this API cannot attribute: the rest of the run pays the exact
		// route's extra request rather than risk more duplicates.
		let exact = options.exactRoute !== undefined && (options.lostAnswers === 'fail' || this.unattributable);
		let route = exact ? await options.exactRoute!() : options.route;
		const done = (receipt: Receipt, adopted: boolean): SubmitOutcome<Receipt> => {
			this.claim(...options.idsOf(receipt));
			return { receipt, adopted, possibleDuplicates, resentUnchecked };
		};

		for (let sends = 1; ; sends++) {
			let startedAt = Date.now();
			const send = async () => {
				if (this.halted) throw new SkippedError();
				startedAt = Date.now();
				return await this.lock.shared(route.send);
			};
			const sent = await this.wire.run(send).then(
				(value) => ({ ok: true as const, value }),
				(error: unknown) => ({ ok: false as const, error }),
			);
			if (sent.ok) return done(sent.value, false);
			const failure = sent.error;
			if (!(failure instanceof ApiRequestError) || !failure.ambiguous) throw failure;

			const landed = await this.lock.exclusively(async () => await this.lookFor(route, startedAt, options));
			if (landed.kind === 'landed') return done(landed.receipt, true);
			const candidates = landed.kind === 'candidates' ? landed.receipts : [];
			if (landed.kind !== 'absent') {
				if (options.lostAnswers === 'fail') throw options.describeAmbiguous(failure, candidates.flatMap(options.idsOf));
				possibleDuplicates.push(...candidates.filter((c) => !possibleDuplicates.includes(c)));
				resentUnchecked ||= landed.kind === 'unknown';
				this.unattributable = true;
			}
			if (!exact && options.exactRoute && landed.kind !== 'absent') {
				exact = true;
				route = await options.exactRoute();
				sends = 0;
			} else if (sends >= MAX_SENDS_PER_ROUTE) {
				throw options.describeAmbiguous(failure, possibleDuplicates.flatMap(options.idsOf));
			}
		}
	}

	/** What a lost send left on the API, without the submissions this process already owns. */
	private async lookFor<Receipt>(route: SubmissionRoute<Receipt>, since: number, options: SubmitOptions<Receipt>): Promise<Landed<Receipt>> {
		if (!route.findLanded) return { kind: 'unknown' };
		await waitFor(RECONCILE_GRACE_MS, options.signal);
		const landed = await route.findLanded(since).catch((error: unknown) => {
			if (isAbortError(error)) throw error;
			return { kind: 'unknown' } as const;
		});
		if (landed.kind !== 'candidates') return landed;
		const unclaimed = landed.receipts.filter((receipt) => !options.idsOf(receipt).some((id) => this.isClaimed(id)));
		return unclaimed.length ? { kind: 'candidates', receipts: unclaimed } : { kind: 'absent' };
	}
}
