import type { IDataObject } from 'n8n-workflow';

import type { ApiContext, ApiRequest, ApiResponse } from './request';
import { isObject } from './values';

/** One page of a vendor's list, whatever its envelope. */
export interface ListPage {
	results: IDataObject[];
	/** Whether another page follows. */
	hasMore: boolean;
	/** Entries across all pages, when the API says. */
	count?: number;
	/** How far the API's clock (its Date header) is ahead of this machine's; 0 when unknown. */
	clockOffsetMs: number;
}

/** Which page to read. */
export interface PageQuery {
	page: number;
	size: number;
	qs?: IDataObject;
	itemIndex?: number;
	signal?: AbortSignal;
}

/** How one vendor reads one page of a list. */
export type PageReader = (ctx: ApiContext, path: string, query: PageQuery) => Promise<ListPage>;

export interface ListOptions {
	/** Stop after this many entries (default: all). */
	limit?: number;
	qs?: IDataObject;
	itemIndex?: number;
	signal?: AbortSignal;
	maxPages?: number;
}

/**
 * How far the API's clock is ahead of ours, from the Date header of an answer received after
 * `requestedAt` (one-second resolution). Lets "created since" comparisons use server timestamps.
 */
export function serverClockOffset(headers: Record<string, string>, requestedAt: number): number {
	const serverNow = Date.parse(headers.date ?? '');
	return Number.isNaN(serverNow) ? 0 : serverNow - requestedAt;
}

/**
 * Reads a page-numbered list until `limit` items or its last page. The vendor says how to fetch a
 * page and whether another one follows.
 */
export async function readPages(
	fetchPage: (page: number, size: number) => Promise<Pick<ListPage, 'results' | 'hasMore'>>,
	options: { limit?: number; maxPageSize: number; maxPages?: number },
): Promise<IDataObject[]> {
	const limit = options.limit ?? Infinity;
	const size = Math.min(options.maxPageSize, Math.max(1, Number.isFinite(limit) ? limit : options.maxPageSize));
	const results: IDataObject[] = [];
	const maxPages = options.maxPages ?? 10_000;
	for (let page = 1; page <= maxPages && results.length < limit; page++) {
		const current = await fetchPage(page, size);
		results.push(...current.results);
		if (!current.hasMore || current.results.length === 0) break;
	}
	return results.slice(0, Number.isFinite(limit) ? limit : undefined);
}

/**
 * The page reader of a page-numbered list (`?page=N&<sizeParameter>=M` → `{count, results}`, and
 * `next` where the API links pages): the last page is the one that is short of `count`, empty, or
 * has no `next`.
 */
export function pageReader(
	request: (ctx: ApiContext, request: ApiRequest) => Promise<ApiResponse<IDataObject>>,
	sizeParameter: string,
): PageReader {
	return async (ctx, path, query) => {
		const requestedAt = Date.now();
		const { body, headers } = await request(ctx, {
			method: 'GET',
			path,
			qs: { ...query.qs, page: query.page, [sizeParameter]: query.size },
			itemIndex: query.itemIndex,
			signal: query.signal,
		});
		const results = Array.isArray(body.results) ? (body.results as unknown[]).filter(isObject) : [];
		const count = typeof body.count === 'number' ? body.count : undefined;
		const linked = body.next === undefined || (typeof body.next === 'string' && body.next !== '');
		return {
			results,
			count,
			hasMore: results.length > 0 && linked && (count === undefined || query.page * query.size < count),
			clockOffsetMs: serverClockOffset(headers, requestedAt),
		};
	};
}

/** A vendor's Get Many reader: its pages, read until the limit or the last one. */
export function listReader(readPage: PageReader, maxPageSize: number) {
	return async (ctx: ApiContext, path: string, options: ListOptions = {}): Promise<IDataObject[]> =>
		await readPages(async (page, size) => await readPage(ctx, path, { ...options, page, size }), {
			limit: options.limit,
			maxPageSize,
			maxPages: options.maxPages,
		});
}

/**
 * Statuses of the wanted jobs, read page by page from a newest-first list until every wanted id
 * has been seen, the list ends, or it has run one page past what the wanted ids could fill.
 */
export async function statusesFromList(
	wanted: Set<string>,
	pageSize: number,
	fetchPage: (page: number) => Promise<Pick<ListPage, 'results' | 'hasMore'>>,
): Promise<Map<string, string>> {
	const statuses = new Map<string, string>();
	const maxPages = Math.ceil(wanted.size / pageSize) + 1;
	for (let page = 1; page <= maxPages; page++) {
		const { results, hasMore } = await fetchPage(page);
		for (const entry of results) {
			if (typeof entry.id === 'string' && typeof entry.status === 'string') statuses.set(entry.id, entry.status);
		}
		if (!hasMore || [...wanted].every((id) => statuses.has(id))) break;
	}
	return statuses;
}

/** Date headers have one-second resolution; allow a few seconds more for ordering inside the API. */
const CLOCK_ALLOWANCE_MS = 5000;

function createdAt(entry: IDataObject): number {
	return Date.parse(String(entry.created_at ?? ''));
}

/**
 * The entries of a list created at or after `since` (this machine's clock), whichever end of the
 * list holds the newest: `clockOffsetMs` of each page (the API's Date header) keeps clock skew from
 * hiding an entry, and one without a readable date is kept, as it may be the one looked for. A list
 * that proves oldest-first is read from its last page backwards, so a busy list never hides a new
 * entry beyond the first page.
 */
export async function entriesSince(
	readPage: (page: number) => Promise<ListPage>,
	options: { since: number; pageSize: number; maxPages?: number },
): Promise<IDataObject[]> {
	const maxPages = options.maxPages ?? 50;
	const first = await readPage(1);
	const earliest = options.since + first.clockOffsetMs - CLOCK_ALLOWANCE_MS;
	const recent = (entries: IDataObject[]) => entries.filter((e) => !(createdAt(e) < earliest));
	const dated = first.results.map(createdAt).filter((t) => !Number.isNaN(t));
	const oldestFirst = dated.length >= 2 && dated[0] < dated[dated.length - 1];
	const found = recent(first.results);

	if (oldestFirst && first.hasMore && first.count !== undefined) {
		const lastPage = Math.ceil(first.count / options.pageSize);
		for (let page = lastPage, reads = 1; page > 1 && reads < maxPages; page--, reads++) {
			const current = await readPage(page);
			found.push(...recent(current.results));
			if (current.results.some((e) => createdAt(e) < earliest)) break;
		}
		return found;
	}
	let current = first;
	for (let page = 2; page <= maxPages && current.hasMore; page++) {
		// Newest first: once a page reaches back past `since`, later pages are older still.
		if (!oldestFirst && current.results.some((e) => createdAt(e) < earliest)) break;
		current = await readPage(page);
		found.push(...recent(current.results));
	}
	return found;
}
