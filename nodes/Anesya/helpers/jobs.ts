import { randomUUID } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Landed, SubmissionRoute } from '../../shared/ledger';
import { entriesSince } from '../../shared/paging';
import type { ApiContext } from '../../shared/request';
import { submissionOperation, type Submission } from '../../shared/submission';
import { isObject } from '../../shared/values';
import { ANESYA_MAX_PAGE_SIZE, anesyaPage } from '../transport';
import { documentOf, extractChecker, type ExtractJob } from './checker';
import { extractMeta, SUBMISSION_TAG, shapeExtract } from './results';

/** What one input item uploads: one or more documents; the receipt is the created Extracts. */
export type Upload = Submission<IDataObject[]>;

/**
 * An upload that carries a unique tag in its metadata. Anesya's extract list can be searched by
 * metadata, so a lost answer is settled exactly: the tagged extract is this upload, or nothing
 * was stored. Entries that do not show their metadata are matched by document name instead.
 */
export function taggedRoute(
	ctx: ApiContext,
	documentName: string,
	send: (tag: string) => Promise<IDataObject[]>,
	signal?: AbortSignal,
): SubmissionRoute<IDataObject[]> {
	const tag = randomUUID();
	return {
		send: async () => await send(tag),
		findLanded: async (): Promise<Landed<IDataObject[]>> => {
			const qs = { meta_key: SUBMISSION_TAG, meta_value: tag };
			const { results } = await anesyaPage(ctx, '/extract/', { page: 1, size: ANESYA_MAX_PAGE_SIZE, qs, signal });
			const tagged = results.filter((entry) => isObject(entry.metadata) && entry.metadata[SUBMISSION_TAG] === tag);
			if (tagged.length) return { kind: 'landed', receipt: tagged.slice(0, 1) };
			const untold = results.filter((entry) => !isObject(entry.metadata) && entry.document_name === documentName);
			if (untold.length === 1) return { kind: 'landed', receipt: untold };
			return untold.length ? { kind: 'candidates', receipts: untold.map((entry) => [entry]) } : { kind: 'absent' };
		},
	};
}

/**
 * An upload into a dashboard workflow. Its extracts carry no metadata, so a lost answer is looked
 * for among the workflow's uploads since the attempt: a session holding exactly these document
 * names may be this upload (or another client's upload of files with the same names).
 */
export function workflowRoute(
	ctx: ApiContext,
	workflowId: string,
	documentNames: string[],
	send: () => Promise<IDataObject[]>,
	signal?: AbortSignal,
): SubmissionRoute<IDataObject[]> {
	const wanted = [...documentNames].sort().join('\n');
	return {
		send,
		findLanded: async (since): Promise<Landed<IDataObject[]>> => {
			const qs = { workflow_id: workflowId };
			const entries = await entriesSince(async (page) => await anesyaPage(ctx, '/extract/', { page, size: ANESYA_MAX_PAGE_SIZE, qs, signal }), {
				since,
				pageSize: ANESYA_MAX_PAGE_SIZE,
			});
			const sessions = new Map<string, IDataObject[]>();
			for (const entry of entries) {
				const key = String(entry.workflow_session_id ?? entry.id);
				sessions.set(key, [...(sessions.get(key) ?? []), entry]);
			}
			const matching = [...sessions.values()]
				.filter((extracts) => extracts.map((e) => String(e.document_name ?? '')).sort().join('\n') === wanted)
				.map((extracts) => [...extracts].sort((a, b) => documentNames.indexOf(String(a.document_name)) - documentNames.indexOf(String(b.document_name))));
			return matching.length ? { kind: 'candidates', receipts: matching } : { kind: 'absent' };
		},
	};
}

function jobsOf(extracts: IDataObject[], _upload: Upload, itemIndex: number): ExtractJob[] {
	const complete = extracts.length > 0 && extracts.every((e) => typeof e.id === 'string' && e.id !== '');
	if (!complete) return [];
	return extracts.map((extract) => ({
		extractId: extract.id as string,
		itemIndex,
		documentName: typeof extract.document_name === 'string' ? extract.document_name : undefined,
		workflowSessionId: typeof extract.workflow_session_id === 'number' ? extract.workflow_session_id : undefined,
	}));
}

/**
 * The `executeBatch` of an upload operation. `prepare` checks one item and describes its upload;
 * see submissionOperation for the rest.
 */
export function uploadOperation(prepare: (ctx: IExecuteFunctions, itemIndex: number) => Promise<Upload>) {
	return submissionOperation<Upload, IDataObject[], ExtractJob, IDataObject>({
		prepare,
		jobsOf,
		idOf: (job) => job.extractId,
		checker: extractChecker,
		shape: (extract, _job, shape) => shapeExtract(extract, shape),
		// The receipts: status CREATED; `_meta.extractId` is what Extract → Get and Download take.
		receiptOutput: (extracts) => extracts.map((extract) => ({ ...extract, _meta: extractMeta(extract) })),
		sameDocument: (mine, theirs) => typeof mine.content === 'string' && mine.content === theirs.content,
		wording: {
			jobRef: (job) => `extract ${job.extractId}`,
			documentOf,
			getOperation: 'Extract → Get',
			locate: (job) => `extract ${job.extractId}`,
			noJobId: (upload) => ({
				message: `Anesya accepted ${upload.label} but returned no extract ID`,
				description: 'Look for the extract in the Anesya dashboard; nothing was sent again.',
			}),
			mayHaveLanded: (upload, ids) => ({
				message: `Anesya may have stored ${upload.label} anyway, as extract ${ids.join(' or ')}`,
				description: `Nothing was sent again, so you are not charged twice. Check it with Extract → Get (extract ${ids[0]}); if it is not this document, run this item again.`,
			}),
		},
	});
}
