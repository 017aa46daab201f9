import type { IDataObject } from 'n8n-workflow';

import { entriesSince, readPages, serverClockOffset, statusesFromList } from '../../../nodes/shared/paging';

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

describe('entriesSince', () => {
	const t0 = Date.parse('2026-12-05T12:00:00.000Z');
	/** `count` entries one minute apart, newest last; served in pages of `size` in the given order. */
	function list(count: number, size: number, order: 'newest-first' | 'oldest-first') {
		const all = Array.from({ length: count }, (_, i) => ({ id: `e${i}`, created_at: new Date(t0 + i * 60_000).toISOString() }));
		const ordered = order === 'newest-first' ? [...all].reverse() : all;
		const read: number[] = [];
		const readPage = async (page: number) => {
			read.push(page);
			const results = ordered.slice((page - 1) * size, page * size);
			return { results, count, hasMore: page * size < count, clockOffsetMs: 0 };
		};
		return { readPage, read };
	}
	const since = t0 + 147 * 60_000 + 10_000; // after e147 was made: e148, e149 and the 5 s allowance

	it('newest first: reads until a page reaches back past `since`', async () => {
		const { readPage, read } = list(150, 100, 'newest-first');
		const found = await entriesSince(readPage, { since, pageSize: 100 });
		expect(found.map((e) => e.id)).toEqual(['e149', 'e148']);
		expect(read).toEqual([1]);
	});

	it('oldest first: reads from the last page backwards, so a busy list never hides the newest', async () => {
		const { readPage, read } = list(250, 100, 'oldest-first');
		const found = await entriesSince(readPage, { since: t0 + 247 * 60_000 + 10_000, pageSize: 100 });
		expect(found.map((e) => e.id).sort()).toEqual(['e248', 'e249']);
		expect(read).toEqual([1, 3]);
	});

	it('newest first: reads on while every entry of a page is recent, and stops at the page that reaches back past `since`', async () => {
		const { readPage, read } = list(50, 10, 'newest-first');
		const found = await entriesSince(readPage, { since: t0 + 25 * 60_000 + 10_000, pageSize: 10 });
		expect(found.map((e) => e.id)).toEqual(Array.from({ length: 24 }, (_, i) => `e${49 - i}`));
		expect(read).toEqual([1, 2, 3]);
	});

	it('reads at most maxPages pages, from either end', async () => {
		const newest = list(50, 10, 'newest-first');
		expect(await entriesSince(newest.readPage, { since: t0 - 3_600_000, pageSize: 10, maxPages: 3 })).toHaveLength(30);
		expect(newest.read).toEqual([1, 2, 3]);
		const oldest = list(50, 10, 'oldest-first');
		expect(await entriesSince(oldest.readPage, { since: t0 - 3_600_000, pageSize: 10, maxPages: 3 })).toHaveLength(30);
		expect(oldest.read).toEqual([1, 5, 4]);
	});

	it('tells oldest-first from two dated entries on the first page', async () => {
		const { readPage, read } = list(6, 2, 'oldest-first');
		const found = await entriesSince(readPage, { since: t0 + 4 * 60_000 + 10_000, pageSize: 2 });
		expect(found.map((e) => e.id)).toEqual(['e5']);
		expect(read).toEqual([1, 3]);
	});

	it('keeps an entry made exactly at the allowance, not one a millisecond older; the API clock offset moves both', async () => {
		const at = (ms: number, id: string) => ({ id, created_at: new Date(ms).toISOString() });
		const page = (clockOffsetMs: number, results: IDataObject[]) => async () => ({ results, hasMore: false, clockOffsetMs });
		const edge = since - 5_000;
		expect((await entriesSince(page(0, [at(edge, 'edge'), at(edge - 1, 'older')]), { since, pageSize: 100 })).map((e) => e.id)).toEqual(['edge']);
		// The API's clock runs a minute ahead: an entry it dated just before our `since` is older than the attempt.
		expect((await entriesSince(page(60_000, [at(since + 60_000, 'new'), at(since, 'old')]), { since, pageSize: 100 })).map((e) => e.id)).toEqual(['new']);
	});

	it('keeps entries whose date it cannot read (they may be the one looked for), and allows for clock skew', async () => {
		const found = await entriesSince(
			async () => ({ results: [{ id: 'undated' }, { id: 'skewed', created_at: new Date(since + 60_000 - 3_000).toISOString() }], hasMore: false, clockOffsetMs: 60_000 }),
			{ since, pageSize: 100 },
		);
		expect(found.map((e) => e.id)).toEqual(['undated', 'skewed']);
	});
});
