import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { idsCreatedSince } from '../../shared/ledger';
import type { ApiContext } from '../../shared/request';
import { submissionOperation, type Submission } from '../../shared/submission';
import { ANESYA_MAX_PAGE_SIZE, anesyaPage } from '../transport';
import { documentOf, extractChecker, type ExtractJob } from './checker';
import { extractMeta, shapeExtract } from './results';

/**
 * IDs of extracts matching `qs` that the API created since `since` (this machine's clock): tells
 * whether an upload whose answer got lost was stored after all.
 */
export async function extractsSince(
	ctx: ApiContext,
	qs: IDataObject,
	since: number,
	signal?: AbortSignal,
): Promise<string[]> {
	const page = await anesyaPage(ctx, '/extract/', { page: 1, size: ANESYA_MAX_PAGE_SIZE, qs, signal });
	return idsCreatedSince(page.results, since, page.clockOffsetMs);
}

/** What one input item uploads: one or more documents; the receipt is the created Extracts. */
export type Upload = Submission<IDataObject[]>;

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
		wording: {
			service: 'Anesya',
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
