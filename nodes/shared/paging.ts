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
