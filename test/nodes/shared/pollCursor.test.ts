import type { IDataObject } from 'n8n-workflow';

import type { ListPage } from '../../../nodes/shared/paging';
import {
	advanceCursor,
	emptyCursor,
	newestFinished,
	readCursor,
	scanBound,
	scanList,
	SETTLE_MS,
	writeCursor,
	type CursorState,
	type ListedJob,
	type ListOrder,
} from '../../../nodes/shared/pollCursor';

/** A vendor list in memory: jobs with API-clock creation times, served in either order, page by page. */
class FakeList {
	jobs: Array<{ id: string; createdAt: number; status: 'running' | 'done' }> = [];
	requests: number[] = [];
	private next = 0;

	constructor(
		public order: ListOrder,
		public pageSize = 10,
		public clock = Date.parse('2026-01-01T00:00:00Z'),
	) {}

	/** Time between two jobs added. */
	step = 1000;

	add(count: number, status: 'running' | 'done' = 'running', createdAt?: number): string[] {
		return Array.from({ length: count }, () => {
			this.clock += this.step;
			const id = `job${String(this.next++).padStart(4, '0')}`;
			this.jobs.push({ id, createdAt: createdAt ?? this.clock, status });
			return id;
		});
	}

	finish(ids: string[]): void {
		for (const job of this.jobs) if (ids.includes(job.id)) job.status = 'done';
	}

	remove(id: string): void {
		this.jobs = this.jobs.filter((j) => j.id !== id);
	}

	readPage = async (page: number): Promise<ListPage> => {
		this.requests.push(page);
		const sorted = [...this.jobs].sort((a, b) => a.createdAt - b.createdAt);
		if (this.order === 'newest-first') sorted.reverse();
		const results = sorted.slice((page - 1) * this.pageSize, page * this.pageSize).map((j) => ({
			id: j.id,
			status: j.status,
			created_at: new Date(j.createdAt).toISOString(),
		}));
		return { results, count: sorted.length, hasMore: page * this.pageSize < sorted.length, clockOffsetMs: 0 };
	};
}

const parse = (entry: IDataObject): ListedJob => ({
	id: String(entry.id),
	createdAt: Date.parse(String(entry.created_at)),
	finished: entry.status === 'done',
	entry,
});

/** One poll as a trigger runs it: scan from the state's bound, advance, keep the state as JSON (static data). */
async function poll(list: FakeList, state: CursorState | undefined, limit?: number) {
	list.requests = [];
	const scan = await scanList(list.readPage, parse, {
		pageSize: list.pageSize,
		stopAt: scanBound(state),
		settleFromNewest: true,
		hint: state && { order: state.order, count: state.count },
	});
	const { state: next, finished } = advanceCursor(state, scan, limit);
	return { state: JSON.parse(JSON.stringify(next)) as CursorState, ids: finished.map((j) => j.id), requests: [...list.requests] };
}

describe.each<ListOrder>(['newest-first', 'oldest-first'])('polling a %s list', (order) => {
	it('emits nothing on the first poll, then each job once when it finishes, never again', async () => {
		const list = new FakeList(order);
		const old = list.add(25, 'done');
		const running = list.add(2);
		let { state, ids } = await poll(list, undefined);
		expect(ids).toEqual([]);

		const fresh = list.add(30);
		list.finish([...fresh, ...running]);
		({ state, ids } = await poll(list, state));
		expect(ids.sort()).toEqual([...running, ...fresh].sort());
		expect(ids).not.toEqual(expect.arrayContaining([old[0]]));

		for (let i = 0; i < 3; i++) {
			({ state, ids } = await poll(list, state));
			expect(ids).toEqual([]);
		}
	});

	it('reads one page per poll when nothing is new, however long the list', async () => {
		const list = new FakeList(order);
		list.step = 60_000;
		list.add(100, 'done');
		let { state, requests } = await poll(list, undefined);
		// A first look at an oldest-first list needs its length before it can jump to the newest page.
		// (Were the last page shorter than the settling window, the page before it would be read too.)
		expect(requests).toEqual(order === 'newest-first' ? [1] : [1, 10]);
		list.clock += 60 * 60_000;
		for (let i = 0; i < 3; i++) {
			({ state, requests } = await poll(list, state));
			expect(requests).toHaveLength(1);
		}
	});

	it('reads across page boundaries when many jobs finished at once, and misses none', async () => {
		const list = new FakeList(order);
		list.step = 60_000;
		list.add(33, 'done');
		let { state } = await poll(list, undefined);
		list.clock += 60 * 60_000;
		list.step = 1000;
		const burst = list.add(47, 'done');
		const { ids, requests } = await poll(list, state);
		expect(ids.sort()).toEqual(burst.sort());
		expect(requests.length).toBeGreaterThanOrEqual(5);
		expect(requests.length).toBeLessThanOrEqual(7);
		({ state } = await poll(list, state));
	});

	it('emits a long-running job that was overtaken by many newer ones when it finally finishes', async () => {
		const list = new FakeList(order);
		let { state } = await poll(list, undefined);
		const [slow] = list.add(1);
		({ state } = await poll(list, state));
		list.clock += 60 * 60_000;
		const quick = list.add(40, 'done');
		let ids: string[];
		({ state, ids } = await poll(list, state));
		expect(ids.sort()).toEqual(quick.sort());
		list.finish([slow]);
		({ state, ids } = await poll(list, state));
		expect(ids).toEqual([slow]);
	});
});

describe('advanceCursor', () => {
	it('tells jobs created in the same millisecond apart (ties in timestamps)', async () => {
		const list = new FakeList('newest-first');
		const tie = list.clock + 5000;
		const first = list.add(3, 'done', tie);
		let { state, ids } = await poll(list, undefined);
		expect(ids).toEqual([]);
		const late = list.add(2, 'done', tie);
		({ state, ids } = await poll(list, state));
		expect(ids.sort()).toEqual(late.sort());
		expect(ids).not.toEqual(expect.arrayContaining(first));
		({ ids } = await poll(list, state));
		expect(ids).toEqual([]);
	});

	it('accepts a job stamped a little before the newest one seen (clock skew between API servers), not one far older', async () => {
		const list = new FakeList('newest-first');
		list.add(5, 'done');
		let { state, ids } = await poll(list, undefined);
		const newest = state.newest!;
		const skewed = list.add(1, 'done', newest - 90_000);
		const ancient = list.add(1, 'done', newest - SETTLE_MS - 60_000);
		({ state, ids } = await poll(list, state));
		expect(ids).toEqual(skewed);
		expect(ids).not.toContain(ancient[0]);
	});

	it("compares only the API's timestamps: this machine's clock being off changes nothing", async () => {
		const list = new FakeList('oldest-first');
		list.add(12, 'done');
		const now = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2031-06-01T00:00:00Z'));
		try {
			let { state } = await poll(list, undefined);
			const fresh = list.add(4, 'done');
			let ids: string[];
			({ state, ids } = await poll(list, state));
			expect(ids.sort()).toEqual(fresh.sort());
			now.mockReturnValue(Date.parse('2020-01-01T00:00:00Z'));
			({ ids } = await poll(list, state));
			expect(ids).toEqual([]);
		} finally {
			now.mockRestore();
		}
	});

	it('survives a restart that brings back the state saved at the last emit (n8n saves static data only then)', async () => {
		const list = new FakeList('newest-first');
		list.add(8, 'done');
		let { state } = await poll(list, undefined);
		const a = list.add(3, 'done');
		let ids: string[];
		({ state, ids } = await poll(list, state));
		expect(ids.sort()).toEqual(a.sort());
		const saved = JSON.stringify(state);

		// Polls that emit nothing change the state in memory only.
		const running = list.add(4);
		({ state, ids } = await poll(list, state));
		expect(ids).toEqual([]);

		// Restart: the state saved at the last emit comes back.
		list.finish(running);
		({ state, ids } = await poll(list, JSON.parse(saved) as CursorState));
		expect(ids.sort()).toEqual(running.sort());
		({ ids } = await poll(list, state));
		expect(ids).toEqual([]);
	});

	it('emits at most the limit per poll and the rest on the next polls', async () => {
		const list = new FakeList('newest-first', 100);
		let { state } = await poll(list, undefined);
		const many = list.add(250, 'done');
		const seen: string[] = [];
		for (const expected of [100, 100, 50, 0]) {
			let ids: string[];
			({ state, ids } = await poll(list, state, 100));
			expect(ids).toHaveLength(expected);
			seen.push(...ids);
		}
		expect(seen.sort()).toEqual(many.sort());
	});

	it('forgets a pending job that was deleted, after a few list reads past it', async () => {
		const list = new FakeList('newest-first');
		let { state } = await poll(list, undefined);
		const [gone] = list.add(1);
		({ state } = await poll(list, state));
		expect(Object.keys(state.pending)).toEqual([gone]);
		list.remove(gone);
		for (let i = 0; i < 3; i++) ({ state } = await poll(list, state));
		expect(state.pending).toEqual({});
	});

	it('treats every job as new in a list whose cursor starts empty (a list created after activation)', async () => {
		const list = new FakeList('newest-first');
		const ids = list.add(3, 'done');
		const scan = await scanList(list.readPage, parse, { pageSize: 10, stopAt: scanBound(emptyCursor()) });
		expect(advanceCursor(emptyCursor(), scan).finished.map((j) => j.id)).toEqual(ids);
	});
});

describe('static data', () => {
	it('keeps one cursor per list and reads an unreadable one as a first poll', () => {
		const store: IDataObject = {};
		writeCursor(store, 'wf-1', { ...emptyCursor(), newest: 5 });
		expect(readCursor(store, 'wf-1')?.newest).toBe(5);
		expect(readCursor(store, 'wf-2')).toBeUndefined();
		(store.pollCursors as IDataObject)['wf-3'] = { newest: 'yesterday' };
		expect(readCursor(store, 'wf-3')).toBeUndefined();
	});
});

describe('newestFinished', () => {
	it('picks the job that finished last, ignoring unfinished ones', () => {
		const job = (id: string, createdAt: number, finished: boolean, finishedAt?: number): ListedJob => ({ id, createdAt, finished, finishedAt, entry: {} });
		expect(newestFinished([job('a', 1, true, 50), job('b', 2, true, 20), job('c', 3, false)])?.id).toBe('a');
		expect(newestFinished([job('c', 3, false)])).toBeUndefined();
	});
});
