import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { idsCreatedSince } from '../../shared/ledger';
import type { ApiContext } from '../../shared/request';
import { submissionOperation, type Submission, type SubmissionSpec } from '../../shared/submission';
import { workflowIdOf } from '../actions/common.descriptions';
import { ANYFORMAT_PAGE_SIZE, anyformatPage } from '../transport';
import { collectionChecker, shapeCollection, type CollectionJob } from './checker';

/**
 * Collections of a workflow created since `since` (this machine's clock): tells whether a
 * submission whose answer got lost was stored after all.
 */
export async function runsSince(ctx: ApiContext, workflowId: string, since: number, signal?: AbortSignal): Promise<string[]> {
	const path = `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`;
	const page = await anyformatPage(ctx, path, { page: 1, size: ANYFORMAT_PAGE_SIZE, signal });
	return idsCreatedSince(page.results, since, page.clockOffsetMs);
}

/** One item's document for a workflow: the receipt is anyformat's `{id, status, workflow_id, version_id}`. */
export interface CollectionSubmission extends Submission<IDataObject> {
	workflowId: string;
	/** The document's file name, when there is one (`_meta.fileName`); text has none. */
	fileName?: string;
}

const anyformatSubmission: Omit<SubmissionSpec<CollectionSubmission, IDataObject, CollectionJob, IDataObject>, 'prepare'> = {
	jobsOf: (receipt, submission, itemIndex) =>
		typeof receipt.id === 'string' && receipt.id
			? [{ workflowId: submission.workflowId, collectionId: receipt.id, itemIndex, fileName: submission.fileName }]
			: [],
	idOf: (job) => job.collectionId,
	checker: collectionChecker,
	shape: shapeCollection,
	receiptOutput: (receipt, submission) => ({ ...receipt, _meta: { fileName: submission.fileName ?? null } }),
	wording: {
		service: 'anyformat',
		jobRef: (job) => `collection ${job.collectionId}`,
		documentOf: (job) => (job.fileName ? `"${job.fileName}"` : undefined),
		getOperation: 'Extraction → Get Result',
		locate: (job) => `workflow ${job.workflowId}, collection ${job.collectionId}`,
		noJobId: () => ({
			message: 'anyformat accepted the document but returned no collection ID',
			description: 'Check the workflow runs in anyformat; the document was not sent again.',
		}),
		mayHaveLanded: (submission, ids) => ({
			message: `anyformat may have accepted it anyway as collection ${ids.join(' or ')}`,
			description: `The document was not sent again, so you are not charged twice. Fetch it with Extraction → Get Result (workflow ${submission.workflowId}, collection ${ids[0]}); if that collection is not this document, run this item again.`,
		}),
	},
};

/**
 * The `executeBatch` of an operation that sends one document per item into a workflow. `describe`
 * checks one item and says what it sends; see submissionOperation for the rest.
 */
export function extractionOperation(
	describe: (ctx: IExecuteFunctions, itemIndex: number, workflowId: string) => Promise<Omit<CollectionSubmission, 'findSince' | 'workflowId'>>,
) {
	return submissionOperation<CollectionSubmission, IDataObject, CollectionJob, IDataObject>({
		...anyformatSubmission,
		prepare: async (ctx, itemIndex) => {
			const workflowId = workflowIdOf(ctx, itemIndex);
			const submission = await describe(ctx, itemIndex, workflowId);
			return {
				...submission,
				workflowId,
				findSince: async (since, signal) => await runsSince(ctx, workflowId, since, signal),
			};
		},
	});
}
