import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { completeEventItems, isEventItem, rememberDelivery } from '../../../nodes/shared/webhook';

describe('rememberDelivery', () => {
	it('accepts a key once, keeps the newest max keys and forgets old ones', () => {
		const store = {};
		expect(rememberDelivery(store, 'a', { now: 1 })).toBe(true);
		expect(rememberDelivery(store, 'a', { now: 2 })).toBe(false);
		for (let i = 0; i < 5; i++) rememberDelivery(store, `k${i}`, { now: 10 + i, max: 3 });
		expect(Object.keys((store as { seenDeliveries: object }).seenDeliveries)).toEqual(['k2', 'k3', 'k4']);
		expect(rememberDelivery(store, 'k4', { now: 100, ttlMs: 10 })).toBe(true);
	});

	it('remembers a delivery for a day by default: a sender retrying hours later runs nothing twice', () => {
		const day = 24 * 60 * 60 * 1000;
		const store = {};
		expect(rememberDelivery(store, 'late', { now: 0 })).toBe(true);
		expect(rememberDelivery(store, 'late', { now: 6 * 60 * 60 * 1000 })).toBe(false);
		expect(rememberDelivery(store, 'late', { now: day - 1 })).toBe(false);
		expect(rememberDelivery(store, 'late', { now: day })).toBe(true);
		// The same in this process's memory, when the static data was lost.
		const scope = `ttl-${Math.random()}`;
		expect(rememberDelivery({}, 'late', { scope, now: 0 })).toBe(true);
		expect(rememberDelivery({}, 'late', { scope, now: day - 1 })).toBe(false);
		expect(rememberDelivery({}, 'late', { scope, now: day })).toBe(true);
	});

	it('still refuses a repeat in the same process when the static data was not saved (n8n 2.41)', () => {
		const scope = `wf-${Math.random()}:node-1`;
		expect(rememberDelivery({}, 'msg_1', { scope })).toBe(true);
		// A fresh static-data object, as n8n loads it when the first change was never persisted.
		expect(rememberDelivery({}, 'msg_1', { scope })).toBe(false);
		expect(rememberDelivery({}, 'msg_1', { scope: `${scope}-other` })).toBe(true);
	});
});

describe('completeEventItems (execute() of an answer-first trigger)', () => {
	const event = (n: number): IDataObject => ({ event: 'extract.completed', data: { id: `e${n}` }, _meta: { authenticatedBy: 'signature' } });
	const pinned: IDataObject = { invoice_number: 'pinned by the user' };
	const contextWith = (items: INodeExecutionData[]) => ({ getInputData: () => items }) as unknown as IExecuteFunctions;

	it('replaces each event item with what complete() makes of it, paired with it; other items pass through', async () => {
		const seen: Array<[string, number]> = [];
		const output = await completeEventItems(contextWith([{ json: event(1) }, { json: pinned }, { json: event(2) }]), async (json, index) => {
			seen.push([String((json.data as IDataObject).id), index]);
			return [{ row: 1, of: index }, { row: 2, of: index }];
		});
		expect(seen).toEqual([
			['e1', 0],
			['e2', 2],
		]);
		expect(output).toEqual([
			[
				{ json: { row: 1, of: 0 }, pairedItem: { item: 0 } },
				{ json: { row: 2, of: 0 }, pairedItem: { item: 0 } },
				{ json: pinned },
				{ json: { row: 1, of: 2 }, pairedItem: { item: 2 } },
				{ json: { row: 2, of: 2 }, pairedItem: { item: 2 } },
			],
		]);
	});

	it('recognises an event item by its event, data and _meta', () => {
		expect(isEventItem(event(1))).toBe(true);
		expect(isEventItem({ event: 'x', data: {} })).toBe(false);
		expect(isEventItem(pinned)).toBe(false);
	});
});
