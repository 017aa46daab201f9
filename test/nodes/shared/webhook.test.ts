import { rememberDelivery } from '../../../nodes/shared/webhook';

describe('rememberDelivery', () => {
	it('accepts a key once, keeps the newest max keys and forgets old ones', () => {
		const store = {};
		expect(rememberDelivery(store, 'a', { now: 1 })).toBe(true);
		expect(rememberDelivery(store, 'a', { now: 2 })).toBe(false);
		for (let i = 0; i < 5; i++) rememberDelivery(store, `k${i}`, { now: 10 + i, max: 3 });
		expect(Object.keys((store as { seenDeliveries: object }).seenDeliveries)).toEqual(['k2', 'k3', 'k4']);
		expect(rememberDelivery(store, 'k4', { now: 100, ttlMs: 10 })).toBe(true);
	});

	it('still refuses a repeat in the same process when the static data was not saved (n8n 2.41)', () => {
		const scope = `wf-${Math.random()}:node-1`;
		expect(rememberDelivery({}, 'msg_1', { scope })).toBe(true);
		// A fresh static-data object, as n8n loads it when the first change was never persisted.
		expect(rememberDelivery({}, 'msg_1', { scope })).toBe(false);
		expect(rememberDelivery({}, 'msg_1', { scope: `${scope}-other` })).toBe(true);
	});
});
