import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { ANESYA_MAX_PAGE_SIZE, anesyaPage } from '../transport';

/** Schema picker. GET /schema/ documents no search parameter, so each page is filtered here. */
export async function searchSchemas(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Number(paginationToken) || 1;
	const current = await anesyaPage(this, '/schema/', { page, size: ANESYA_MAX_PAGE_SIZE });
	const needle = filter?.trim().toLowerCase();
	const results = current.results
		.filter((schema) =>
			!needle || [schema.name, schema.description, schema.id].some((text) => String(text ?? '').toLowerCase().includes(needle)),
		)
		.map((schema) => ({ name: String(schema.name ?? schema.id), value: String(schema.id) }));
	return { results, paginationToken: current.hasMore ? String(page + 1) : undefined };
}
