import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { anyformatBody } from '../transport';

const PAGE_SIZE = 100;

/** Workflow picker: anyformat has no search parameter, so pages are filtered by name here. */
export async function searchWorkflows(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const body = await anyformatBody(this, { method: 'GET', path: '/v2/workflows/', qs: { page, page_size: PAGE_SIZE } });
	const workflows = Array.isArray(body.results) ? (body.results as IDataObject[]) : [];
	const needle = filter?.trim().toLowerCase();
	const results = workflows
		.filter((w) => !needle || String(w.name ?? '').toLowerCase().includes(needle) || String(w.id).includes(needle))
		.map((w) => ({
			name: String(w.name ?? w.id),
			value: String(w.id),
			url: `https://app.anyformat.ai/workflows/${String(w.id)}`,
		}));
	const count = typeof body.count === 'number' ? body.count : 0;
	return { results, paginationToken: page * PAGE_SIZE < count ? String(page + 1) : undefined };
}
