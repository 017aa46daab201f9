import type { IDataObject } from 'n8n-workflow';

import type { ListPage } from './paging';
import { isObject } from './values';

/**
 * What a polling trigger remembers about one vendor list between polls, and how it tells which
 * jobs of that list finished since the last poll. Only the API's own timestamps are compared with
 * each other (never this machine's clock), the list's order is learned rather than assumed, and
 * the state is plain JSON so it lives in the node's static data and survives an n8n restart.
 *
 * The idea: remember the newest creation time seen; every job created after it (less a settling
 * window for timestamps that arrive out of order) is new; jobs seen before they finished are kept
 * as "pending" and emitted when the list shows them finished. A poll therefore reads the list only
 * back to the settling window or the oldest pending job, whichever is older.
 */

/** One entry of a vendor's job list, as the cursor needs it. */
export interface ListedJob {
	id: string;
	/** Creation time on the API's clock (epoch ms); NaN when unreadable. */
	createdAt: number;
	/** Whether the job reached a final state (success or failure). */
	finished: boolean;
	/** When it finished (API clock), where the list says; orders the output. */
	finishedAt?: number;
	/** The list entry as the API sent it. */
	entry: IDataObject;
}

export type ListOrder = 'newest-first' | 'oldest-first';

/** The JSON kept per list in static data. */
export interface CursorState {
	/** Newest creation time seen (API clock, epoch ms); null until a dated job was seen. */
	newest: number | null;
	/** Jobs created within the settling window of `newest`, already accounted for: id → createdAt. */
	recent: Record<string, number>;
	/** Jobs seen before they finished: id → [createdAt, polls in a row they were missing from a list read past them]. */
	pending: Record<string, [number, number]>;
	/** The last jobs emitted (a last guard against emitting one twice, whatever the list does). */
	emitted: string[];
	/** The list's order and length as last seen: where the next poll starts reading. */
	order?: ListOrder;
	count?: number;
}

/**
 * Timestamps from a busy API can arrive out of order (several servers, commits that land later
 * than they are stamped): a job created up to this long before the newest one seen still counts as new.
 */
export const SETTLE_MS = 5 * 60_000;
/** A job still unfinished this long after the newest job seen is given up on (it started long ago). */
export const PENDING_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/** A pending job missing from this many list reads in a row that covered its creation time was deleted. */
const MAX_MISSES = 3;
const MAX_RECENT = 5000;
const MAX_PENDING = 5000;
const MAX_EMITTED = 1000;

/** Pages one poll reads at most from one list (a bound even when the list never ends). */
export const MAX_PAGES_PER_POLL = 50;

// ---------------------------------------------------------------------------------------------
// Reading the list

export interface ScanResult {
	/** Every job read, once each (a job seen twice, because the list moved between pages, keeps its later state). */
	jobs: ListedJob[];
	order?: ListOrder;
	count?: number;
	/** Every job created at or after this time was in the pages read (−Infinity: the whole list was read). */
	coveredFrom: number;
	/** List requests made. */
	requests: number;
}

export interface ScanOptions {
	pageSize: number;
	/**
	 * Read back to jobs created before this (API clock). Undefined: only the page holding the
	 * newest jobs (Fetch Test Event), or with `settleFromNewest` back to the settling window below
	 * the newest job (a first poll, which must know every job a later poll could take for new).
	 */
	stopAt?: number;
	settleFromNewest?: boolean;
	/** What the previous poll learned about the list: where the newest jobs are likely to be. */
	hint?: { order?: ListOrder; count?: number };
	maxPages?: number;
}

/** The order one page shows, from its first and last dated entries. */
function orderOf(jobs: ListedJob[]): ListOrder | undefined {
	const dated = jobs.map((j) => j.createdAt).filter((t) => Number.isFinite(t));
	if (dated.length < 2 || dated[0] === dated[dated.length - 1]) return undefined;
	return dated[0] > dated[dated.length - 1] ? 'newest-first' : 'oldest-first';
}

function oldest(jobs: ListedJob[]): number {
	return jobs.reduce((min, j) => (Number.isFinite(j.createdAt) && j.createdAt < min ? j.createdAt : min), Infinity);
}

/**
 * Reads as few pages of a page-numbered list as it takes to see every job created since `stopAt`,
 * from whichever end holds the newest jobs. A list shown newest first is read from page 1 until a
 * page reaches back past `stopAt`. A list shown oldest first is read from its last page backwards;
 * with the previous poll's count, that is one request when nothing is new.
 */
export async function scanList(
	readPage: (page: number) => Promise<ListPage>,
	parse: (entry: IDataObject) => ListedJob | undefined,
	options: ScanOptions,
): Promise<ScanResult> {
	const size = options.pageSize;
	const maxPages = options.maxPages ?? MAX_PAGES_PER_POLL;
	let { stopAt } = options;
	const pages = new Map<number, ListedJob[]>();
	let count: number | undefined;
	let lastPage: number | undefined;
	let seenOrder: ListOrder | undefined;
	let requests = 0;

	const read = async (page: number): Promise<ListedJob[]> => {
		const cached = pages.get(page);
		if (cached) return cached;
		const answer = await readPage(page);
		requests++;
		const jobs = answer.results.map(parse).filter((j): j is ListedJob => j !== undefined);
		pages.set(page, jobs);
		if (answer.count !== undefined) {
			count = answer.count;
			lastPage = Math.max(1, Math.ceil(count / size));
		}
		if (!answer.hasMore) lastPage = Math.min(lastPage ?? page, page);
		seenOrder ??= orderOf(jobs);
		return jobs;
	};
	const reachesBack = (jobs: ListedJob[]) => stopAt !== undefined && oldest(jobs) < stopAt;
	/** Once the newest jobs are read, a first poll learns how far back it must read. */
	const settle = () => {
		if (stopAt !== undefined || !options.settleFromNewest) return;
		const newest = [...pages.values()].flat().reduce((max, j) => (Number.isFinite(j.createdAt) ? Math.max(max, j.createdAt) : max), -Infinity);
		if (Number.isFinite(newest)) stopAt = newest - SETTLE_MS;
	};
	const budgetLeft = () => requests < maxPages;

	const hinted = options.hint?.order === 'oldest-first' && options.hint.count !== undefined && stopAt !== undefined;
	const start = hinted ? Math.max(1, Math.ceil(options.hint!.count! / size)) : 1;
	await read(start);
	const order: ListOrder | undefined = seenOrder ?? options.hint?.order;

	if (order === 'oldest-first' && lastPage !== undefined) {
		// The newest jobs are on the last page: read from where the previous poll ended up to it...
		const from = start === 1 ? lastPage : start;
		for (let page = from; page <= lastPage && budgetLeft(); page++) await read(page);
		settle();
		// ...then back until a page reaches past stopAt.
		let lowest = from;
		while (lowest > 1 && !pages.has(lowest - 1) && !reachesBack(pages.get(lowest)!) && stopAt !== undefined && budgetLeft()) {
			await read(--lowest);
		}
		while (lowest > 1 && pages.has(lowest - 1)) lowest--;
		const covered = [...pages.entries()].filter(([page]) => page >= lowest).flatMap(([, jobs]) => jobs);
		return result(pages, order, count, lowest === 1 && contiguous(pages, 1, lastPage) ? -Infinity : oldest(covered), requests);
	}

	// Newest first (or an order no page shows, e.g. one job): from page 1 on.
	if (start !== 1) await read(1);
	settle();
	let page = 1;
	while (stopAt !== undefined && !reachesBack(pages.get(page)!) && (lastPage === undefined || page < lastPage) && budgetLeft()) {
		const jobs = await read(++page);
		if (jobs.length === 0) break;
	}
	const readAll = lastPage !== undefined && page >= lastPage;
	const covered = [...pages.entries()].filter(([p]) => p <= page).flatMap(([, jobs]) => jobs);
	return result(pages, order ?? options.hint?.order, count, readAll ? -Infinity : oldest(covered), requests);
}

function contiguous(pages: Map<number, unknown>, from: number, to: number): boolean {
	for (let page = from; page <= to; page++) if (!pages.has(page)) return false;
	return true;
}

function result(
	pages: Map<number, ListedJob[]>,
	order: ListOrder | undefined,
	count: number | undefined,
	coveredFrom: number,
	requests: number,
): ScanResult {
	const byId = new Map<string, ListedJob>();
	for (const page of [...pages.keys()].sort((a, b) => a - b)) {
		for (const job of pages.get(page)!) {
			const seen = byId.get(job.id);
			// A status only moves forward: a finished sighting wins over an unfinished one.
			if (!seen || (job.finished && !seen.finished)) byId.set(job.id, job);
		}
	}
	return { jobs: [...byId.values()], order, count, coveredFrom, requests };
}

// ---------------------------------------------------------------------------------------------
// Deciding what is new

/** Where the next scan of a list must read back to; undefined for a list never polled. */
export function scanBound(state: CursorState | undefined): number | undefined {
	if (!state) return undefined;
	let bound = state.newest === null ? -Infinity : state.newest - SETTLE_MS;
	for (const [createdAt] of Object.values(state.pending)) bound = Math.min(bound, createdAt);
	return bound;
}

/** A cursor for a list whose every job is new (e.g. a workflow created after the trigger started). */
export function emptyCursor(): CursorState {
	return { newest: null, recent: {}, pending: {}, emitted: [] };
}

export interface Advance {
	state: CursorState;
	/** Jobs that finished since the last poll, oldest first; empty on a first poll. */
	finished: ListedJob[];
}

/**
 * The pure step of a poll: which of the jobs read finished since the previous state, and the next
 * state. With no previous state (first poll after activation) nothing is emitted: finished jobs are
 * marked as known, unfinished ones are watched. At most `limit` jobs are emitted; the rest stay
 * pending and come out on the next poll.
 */
export function advanceCursor(previous: CursorState | undefined, scan: ScanResult, limit = Infinity): Advance {
	const first = previous === undefined;
	const before = previous ?? emptyCursor();
	const floor = before.newest === null ? -Infinity : before.newest - SETTLE_MS;
	const recent = { ...before.recent };
	const pending = { ...before.pending };
	const emitted = new Set(before.emitted);
	const finished: ListedJob[] = [];
	const datedNewest = scan.jobs.reduce((max, j) => (Number.isFinite(j.createdAt) ? Math.max(max, j.createdAt) : max), before.newest ?? -Infinity);
	const newest = Number.isFinite(datedNewest) ? datedNewest : null;
	// An undated job is filed at the newest time known, so it ages out of `recent` with its neighbours.
	const stamp = (job: ListedJob) => (Number.isFinite(job.createdAt) ? job.createdAt : (newest ?? 0));

	const jobs = [...scan.jobs].sort((a, b) => stamp(a) - stamp(b) || a.id.localeCompare(b.id));
	for (const job of jobs) {
		if (emitted.has(job.id)) {
			delete pending[job.id];
			continue;
		}
		if (pending[job.id]) {
			if (job.finished) {
				finished.push(job);
				delete pending[job.id];
			} else pending[job.id] = [pending[job.id][0], 0];
			continue;
		}
		if (job.id in recent) continue;
		// Older than the window and never seen: it predates what this trigger watches.
		if (!first && job.createdAt < floor) continue;
		recent[job.id] = stamp(job);
		if (!job.finished) pending[job.id] = [stamp(job), 0];
		else if (!first) finished.push(job);
	}

	finished.sort((a, b) => (a.finishedAt ?? stamp(a)) - (b.finishedAt ?? stamp(b)) || stamp(a) - stamp(b) || a.id.localeCompare(b.id));
	// Over the limit: keep the rest pending, so the next poll emits them.
	for (const job of finished.splice(limit)) pending[job.id] = [stamp(job), 0];

	const listed = new Set(scan.jobs.map((j) => j.id));
	for (const [id, [createdAt, misses]] of Object.entries(pending)) {
		if (listed.has(id) || createdAt < scan.coveredFrom) continue;
		// The list was read past it and it was not there: deleted. A few chances, as lists move while read.
		if (misses + 1 >= MAX_MISSES) delete pending[id];
		else pending[id] = [createdAt, misses + 1];
	}

	return {
		finished,
		state: {
			newest,
			recent: newestEntries(
				Object.fromEntries(Object.entries(recent).filter(([, t]) => newest === null || t >= newest - SETTLE_MS)),
				MAX_RECENT,
			),
			pending: newestEntries(
				Object.fromEntries(Object.entries(pending).filter(([, [t]]) => newest === null || t >= newest - PENDING_MAX_AGE_MS)),
				MAX_PENDING,
			),
			emitted: [...emitted, ...finished.map((j) => j.id)].slice(-MAX_EMITTED),
			...(scan.order ? { order: scan.order } : previous?.order ? { order: previous.order } : {}),
			...(scan.count !== undefined ? { count: scan.count } : previous?.count !== undefined ? { count: previous.count } : {}),
		},
	};
}

/**
 * Takes jobs back that a poll could not turn into items after all (its time ran out): they are
 * pending again, so the next poll emits them.
 */
export function putBack(state: CursorState, jobs: ListedJob[]): CursorState {
	if (jobs.length === 0) return state;
	const ids = new Set(jobs.map((j) => j.id));
	const pending = { ...state.pending };
	for (const job of jobs) pending[job.id] = [Number.isFinite(job.createdAt) ? job.createdAt : (state.newest ?? 0), 0];
	return { ...state, pending, emitted: state.emitted.filter((id) => !ids.has(id)) };
}

function newestEntries<T extends number | [number, number]>(entries: Record<string, T>, max: number): Record<string, T> {
	const list = Object.entries(entries);
	if (list.length <= max) return entries;
	const time = (v: T) => (typeof v === 'number' ? v : v[0]);
	return Object.fromEntries(list.sort((a, b) => time(b[1]) - time(a[1])).slice(0, max));
}

// ---------------------------------------------------------------------------------------------
// Static data

const CURSORS_KEY = 'pollCursors';

/** The cursor of one list from the node's static data; undefined when absent or unreadable (a first poll). */
export function readCursor(store: IDataObject, listKey: string): CursorState | undefined {
	const all = store[CURSORS_KEY];
	const raw = isObject(all) ? all[listKey] : undefined;
	if (!isObject(raw) || !isObject(raw.recent) || !isObject(raw.pending) || !Array.isArray(raw.emitted)) return undefined;
	if (raw.newest !== null && typeof raw.newest !== 'number') return undefined;
	return raw as unknown as CursorState;
}

/** Stores the cursor of one list (n8n saves static data when the poll emits, and at activation). */
export function writeCursor(store: IDataObject, listKey: string, state: CursorState): void {
	const all = isObject(store[CURSORS_KEY]) ? (store[CURSORS_KEY] as IDataObject) : {};
	all[listKey] = state as unknown as IDataObject;
	store[CURSORS_KEY] = all;
}

/** The lists this trigger has cursors for. */
export function cursorKeys(store: IDataObject): string[] {
	const all = store[CURSORS_KEY];
	return isObject(all) ? Object.keys(all) : [];
}

/** Forgets the cursors of lists no longer polled (a deleted workflow, a changed filter). */
export function keepCursors(store: IDataObject, listKeys: string[]): void {
	const all = store[CURSORS_KEY];
	if (!isObject(all)) return;
	for (const key of Object.keys(all)) if (!listKeys.includes(key)) delete all[key];
}

/**
 * The newest finished job among those read, for Fetch Test Event; undefined when none has finished.
 */
export function newestFinished(jobs: ListedJob[]): ListedJob | undefined {
	const time = (j: ListedJob) => (Number.isFinite(j.finishedAt) ? j.finishedAt! : Number.isFinite(j.createdAt) ? j.createdAt : -Infinity);
	return jobs.filter((j) => j.finished).sort((a, b) => time(b) - time(a))[0];
}

/** Epoch ms of an ISO timestamp; NaN when missing or unreadable. */
export function timeOf(value: unknown): number {
	return typeof value === 'string' ? Date.parse(value) : NaN;
}
