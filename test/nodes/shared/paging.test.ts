import type { IDataObject } from 'n8n-workflow';

import { readPages, serverClockOffset, statusesFromList } from '../../../nodes/shared/paging';

const entries = (from: number, count: number): IDataObject[] =>
	Array.from({ length: count }, (_, i) => ({ id: `j${from + i}`, status: (from + i) % 2 ? 'done' : 'running' }));

describe('readPages', () => {
	it('reads pages until the limit, asking for no more than it needs', async () => {
		const asked: Array<[number, number]> = [];
		const items = await readPages(
			async (page, size) => {
				asked.push([page, size]);
				return { results: entries((page - 1) * size, size), hasMore: true };
			},
			{ limit: 5, maxPageSize: 100 },
		);
		expect(items.map((i) => i.id)).toEqual(['j0', 'j1', 'j2', 'j3', 'j4']);
		expect(asked).toEqual([[1, 5]]);
	});

	it('reads every page for Return All, stopping at the last one', async () => {
		const items = await readPages(async (page, size) => ({ results: entries((page - 1) * size, page < 3 ? size : 1), hasMore: page < 3 }), {
			maxPageSize: 2,
		});
		expect(items).toHaveLength(5);
	});
});

describe('statusesFromList', () => {
	it('stops as soon as every wanted job has been seen', async () => {
		let pages = 0;
		const statuses = await statusesFromList(new Set(['j0', 'j1']), 2, async (page) => {
			pages++;
			return { results: entries((page - 1) * 2, 2), hasMore: true };
		});
		expect(pages).toBe(1);
		expect(statuses.get('j1')).toBe('done');
	});

	it('reads at most one page more than the wanted jobs could fill', async () => {
		let pages = 0;
		const statuses = await statusesFromList(new Set(['missing']), 2, async (page) => {
			pages++;
			return { results: entries((page - 1) * 2, 2), hasMore: true };
		});
		expect(pages).toBe(2);
		expect(statuses.has('missing')).toBe(false);
	});
});

describe('serverClockOffset', () => {
	it('is the server Date minus our request time, or 0 without a Date', () => {
		expect(serverClockOffset({ date: new Date(10_000).toUTCString() }, 7_000)).toBe(3_000);
		expect(serverClockOffset({}, 7_000)).toBe(0);
	});
});
