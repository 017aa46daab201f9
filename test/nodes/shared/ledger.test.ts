import type { INode } from 'n8n-workflow';

import { SubmissionLedger } from '../../../nodes/shared/ledger';
import { ApiRequestError } from '../../../nodes/shared/errors';

const node: INode = { id: '1', name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };
const ambiguous = () => new ApiRequestError(node, { message: 'gateway failed', status: 502, ambiguous: true });
const refused = () => new ApiRequestError(node, { message: 'bad request', status: 400 });
const describeAmbiguous = (error: ApiRequestError, landed: string[]) =>
	new ApiRequestError(node, { message: `${error.message}; landed: ${landed.join(',') || 'none'}`, ambiguous: true });

describe('SubmissionLedger', () => {
	it('returns the receipt and claims its ids', async () => {
		const ledger = new SubmissionLedger();
		const receipt = await ledger.submit({ send: async () => ({ id: 'c1' }), idsOf: (r) => [r.id], describeAmbiguous });
		expect(receipt).toEqual({ id: 'c1' });
		expect(ledger.isClaimed('c1')).toBe(true);
	});

	it('does not resend after an ambiguous failure without a way to check', async () => {
		const ledger = new SubmissionLedger();
		let sends = 0;
		await expect(
			ledger.submit({ send: async () => { sends++; throw ambiguous(); }, idsOf: () => [], describeAmbiguous }),
		).rejects.toThrow('gateway failed; landed: none');
		expect(sends).toBe(1);
	});

	it('resends when the API shows nothing new arrived', async () => {
		const ledger = new SubmissionLedger();
		let sends = 0;
		const receipt = await ledger.submit({
			send: async () => {
				if (++sends === 1) throw ambiguous();
				return { id: 'c2' };
			},
			idsOf: (r) => [r.id],
			findSince: async () => [],
			describeAmbiguous,
		});
		expect(receipt).toEqual({ id: 'c2' });
		expect(sends).toBe(2);
	});

	it('reports instead of resending when an unclaimed submission appeared', async () => {
		const ledger = new SubmissionLedger();
		ledger.claim('mine');
		let sends = 0;
		await expect(
			ledger.submit({
				send: async () => { sends++; throw ambiguous(); },
				idsOf: () => [],
				findSince: async () => ['mine', 'c9'],
				describeAmbiguous,
			}),
		).rejects.toThrow('landed: c9');
		expect(sends).toBe(1);
	});

	it('passes refusals through untouched and never resends them', async () => {
		const ledger = new SubmissionLedger();
		let checked = false;
		await expect(
			ledger.submit({ send: async () => { throw refused(); }, idsOf: () => [], findSince: async () => { checked = true; return []; }, describeAmbiguous }),
		).rejects.toThrow('bad request');
		expect(checked).toBe(false);
	});

	it('checks with no other submission on the wire, so a sibling in flight is claimed first', async () => {
		const ledger = new SubmissionLedger();
		let releaseSibling!: () => void;
		const siblingGate = new Promise<void>((resolve) => (releaseSibling = resolve));
		const sibling = ledger.submit({ send: async () => { await siblingGate; return { id: 'sibling' }; }, idsOf: (r) => [r.id], describeAmbiguous });
		let listedWhileSiblingOpen: boolean | undefined;
		const failing = ledger.submit({
			send: async () => {
				// Let the sibling finish only after this failure is being reconciled: the rejection and the
				// ledger's switch to the exclusive lookup run as microtasks, before this immediate fires.
				setImmediate(releaseSibling);
				throw ambiguous();
			},
			idsOf: () => [],
			findSince: async () => {
				listedWhileSiblingOpen = !ledger.isClaimed('sibling');
				return ['sibling'];
			},
			describeAmbiguous,
		}).then(() => 'resent', (e: Error) => e.message);
		await sibling;
		// The sibling's collection is claimed before the lookup, so it is not mistaken for ours; nothing new → resend.
		expect(await failing).toBe('gateway failed; landed: none');
		expect(listedWhileSiblingOpen).toBe(false);
	});
});
