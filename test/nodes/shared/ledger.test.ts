import type { INode } from 'n8n-workflow';

import { ApiRequestError } from '../../../nodes/shared/errors';
import { SubmissionLedger, type Landed, type LostAnswers, type SubmissionRoute, type SubmitOptions } from '../../../nodes/shared/ledger';

const node: INode = { id: '1', name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };
const ambiguous = () => new ApiRequestError(node, { message: 'gateway failed', status: 502, ambiguous: true });
const refused = () => new ApiRequestError(node, { message: 'bad request', status: 400 });
const describeAmbiguous = (error: ApiRequestError, candidates: string[]) =>
	new ApiRequestError(node, { message: `${error.message}; candidates: ${candidates.join(',') || 'none'}`, ambiguous: true });

interface Receipt {
	id: string;
}

/** A route whose sends follow `script` (a receipt id, or 'lost' for an ambiguous failure) and whose lookups follow `lookups`. */
function route(script: Array<string | 'lost' | 'refused'>, lookups: Array<Landed<Receipt>> = []): SubmissionRoute<Receipt> & { sends: number; looks: number } {
	const state = {
		sends: 0,
		looks: 0,
		send: async () => {
			const step = script[Math.min(state.sends++, script.length - 1)];
			if (step === 'lost') throw ambiguous();
			if (step === 'refused') throw refused();
			return { id: step };
		},
		findLanded: async () => lookups[Math.min(state.looks++, lookups.length - 1)] ?? { kind: 'absent' as const },
	};
	return state;
}

function options(main: SubmissionRoute<Receipt>, extra: Partial<SubmitOptions<Receipt>> & { lostAnswers?: LostAnswers } = {}): SubmitOptions<Receipt> {
	return { route: main, idsOf: (r) => [r.id], lostAnswers: 'resend', describeAmbiguous, ...extra };
}

describe('SubmissionLedger', () => {
	it('returns the receipt and claims its ids', async () => {
		const ledger = new SubmissionLedger();
		const outcome = await ledger.submit(options(route(['c1'])));
		expect(outcome).toEqual({ receipt: { id: 'c1' }, adopted: false, possibleDuplicates: [], resentUnchecked: false });
		expect(ledger.isClaimed('c1')).toBe(true);
	});

	it('passes refusals through untouched and never looks or resends', async () => {
		const main = route(['refused']);
		await expect(new SubmissionLedger().submit(options(main))).rejects.toThrow('bad request');
		expect([main.sends, main.looks]).toEqual([1, 0]);
	});

	it('resends when the API shows nothing was stored', async () => {
		const main = route(['lost', 'c2'], [{ kind: 'absent' }]);
		const outcome = await new SubmissionLedger().submit(options(main));
		expect(outcome.receipt).toEqual({ id: 'c2' });
		expect(outcome.possibleDuplicates).toEqual([]);
		expect(main.sends).toBe(2);
	});

	it('adopts a submission the API identifies as this one, without sending again', async () => {
		const ledger = new SubmissionLedger();
		const main = route(['lost'], [{ kind: 'landed', receipt: { id: 'tagged' } }]);
		const outcome = await ledger.submit(options(main));
		expect(outcome).toMatchObject({ receipt: { id: 'tagged' }, adopted: true, possibleDuplicates: [] });
		expect(main.sends).toBe(1);
		expect(ledger.isClaimed('tagged')).toBe(true);
	});

	it('never takes a submission it already claimed for a candidate', async () => {
		const ledger = new SubmissionLedger();
		ledger.claim('mine');
		const main = route(['lost', 'c3'], [{ kind: 'candidates', receipts: [{ id: 'mine' }] }]);
		const outcome = await ledger.submit(options(main, { lostAnswers: 'fail' }));
		expect(outcome.receipt).toEqual({ id: 'c3' });
		expect(outcome.possibleDuplicates).toEqual([]);
	});

	it('with Fail the Item, names the unclaimed candidates instead of resending', async () => {
		const ledger = new SubmissionLedger();
		ledger.claim('mine');
		const main = route(['lost'], [{ kind: 'candidates', receipts: [{ id: 'mine' }, { id: 'c9' }] }]);
		await expect(ledger.submit(options(main, { lostAnswers: 'fail' }))).rejects.toThrow('gateway failed; candidates: c9');
		expect(main.sends).toBe(1);
	});

	it('with Resend Safely, resends through the exact route and reports the candidates on the item', async () => {
		const main = route(['lost'], [{ kind: 'candidates', receipts: [{ id: 'c9' }] }]);
		const exact = route(['e1']);
		const outcome = await new SubmissionLedger().submit(options(main, { exactRoute: async () => exact }));
		expect(outcome).toMatchObject({ receipt: { id: 'e1' }, adopted: false, possibleDuplicates: [{ id: 'c9' }] });
		expect([main.sends, exact.sends]).toEqual([1, 1]);
	});

	it('with Fail the Item and an exact route, sends through the exact route from the start', async () => {
		const main = route(['never']);
		const exact = route(['lost', 'e2'], [{ kind: 'absent' }]);
		const outcome = await new SubmissionLedger().submit(options(main, { lostAnswers: 'fail', exactRoute: async () => exact }));
		expect(outcome.receipt).toEqual({ id: 'e2' });
		expect([main.sends, exact.sends]).toEqual([0, 2]);
	});

	it('a lost answer the API offers no way to check: resent and flagged, or failed with Fail the Item', async () => {
		const unchecked = { send: route(['lost', 'c4']).send };
		const outcome = await new SubmissionLedger().submit(options(unchecked));
		expect(outcome).toMatchObject({ receipt: { id: 'c4' }, resentUnchecked: true, possibleDuplicates: [] });
		await expect(new SubmissionLedger().submit(options({ send: route(['lost']).send }, { lostAnswers: 'fail' }))).rejects.toThrow(
			'candidates: none',
		);
	});

	it('gives up after a bounded number of sends that all lose their answers', async () => {
		const main = route(['lost'], [{ kind: 'absent' }]);
		await expect(new SubmissionLedger().submit(options(main))).rejects.toThrow('gateway failed');
		expect(main.sends).toBe(4);
	});

	it('a submission claimed by another run in this process is never a candidate', async () => {
		const other = new SubmissionLedger();
		await other.submit(options(route(['other-run'])));
		const main = route(['lost', 'c5'], [{ kind: 'candidates', receipts: [{ id: 'other-run' }] }]);
		const outcome = await new SubmissionLedger().submit(options(main, { lostAnswers: 'fail' }));
		expect(outcome.receipt).toEqual({ id: 'c5' });
	});

	it('looks with no other submission on the wire, so a sibling in flight is claimed first', async () => {
		const ledger = new SubmissionLedger();
		let releaseSibling!: () => void;
		const siblingGate = new Promise<void>((resolve) => (releaseSibling = resolve));
		const sibling = ledger.submit(options({ send: async () => { await siblingGate; return { id: 'sibling' }; } }));
		let lookedWhileSiblingOpen: boolean | undefined;
		let sends = 0;
		const failing = ledger
			.submit(
				options(
					{
						send: async () => {
							if (++sends > 1) return { id: 'resent' };
							// Let the sibling finish only after this failure is being reconciled: the rejection and the
							// ledger's switch to the exclusive lookup run as microtasks, before this immediate fires.
							setImmediate(releaseSibling);
							throw ambiguous();
						},
						findLanded: async () => {
							lookedWhileSiblingOpen = !ledger.isClaimed('sibling');
							return { kind: 'candidates', receipts: [{ id: 'sibling' }] };
						},
					},
					{ lostAnswers: 'fail' },
				),
			)
			.then(
				(outcome) => outcome.receipt.id,
				(e: Error) => e.message,
			);
		await sibling;
		// The sibling's submission is claimed before the lookup, so it is not mistaken for this one: nothing else → resent.
		expect(await failing).toBe('resent');
		expect(lookedWhileSiblingOpen).toBe(false);
	});
});

describe('SubmissionLedger after a lost answer it could not attribute', () => {
	it('sends the rest of the run through the exact route', async () => {
		const ledger = new SubmissionLedger();
		const first = route(['lost'], [{ kind: 'candidates', receipts: [{ id: 'c9' }] }]);
		await ledger.submit(options(first, { exactRoute: async () => route(['e1']) }));
		const later = route(['direct']);
		const exact = route(['e2']);
		const outcome = await ledger.submit(options(later, { exactRoute: async () => exact }));
		expect(outcome.receipt).toEqual({ id: 'e2' });
		expect([later.sends, exact.sends]).toEqual([0, 1]);
	});
});
