import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Landed, SubmissionRoute } from '../../shared/ledger';
import type { MultipartPart } from '../../shared/multipart';
import { entriesSince } from '../../shared/paging';
import type { ApiContext } from '../../shared/request';
import { submissionOperation, type Submission, type SubmissionSpec } from '../../shared/submission';
import { isObject } from '../../shared/values';
import { workflowIdOf } from '../actions/common.descriptions';
import { ANYFORMAT_PAGE_SIZE, anyformatPage } from '../transport';
import { collectionChecker, shapeCollection, type CollectionJob } from './checker';
import { postDocument, runUploadedFile } from './documentInput';

/**
 * What one item runs: a document (a file or text part), or a file uploaded earlier. `label` names it
 * in messages; `fileName` is the document's file name, when it has one (`_meta.fileName`).
 */
export type RunInput = { label: string; fileName?: string } & ({ part: () => Promise<MultipartPart> } | { fileId: string });

/** One item's submission to a workflow; the receipt is anyformat's `{id, status, workflow_id, version_id}`. */
export interface CollectionSubmission extends Submission<IDataObject> {
	workflowId: string;
	fileName?: string;
}

/** Runs of a workflow created since `since`: what a lost answer may have started. */
async function runsSince(ctx: ApiContext, workflowId: string, since: number, signal?: AbortSignal): Promise<IDataObject[]> {
	const path = `/v2/workflows/${encodeURIComponent(workflowId)}/runs/`;
	return await entriesSince(async (page) => await anyformatPage(ctx, path, { page, size: ANYFORMAT_PAGE_SIZE, signal }), {
		since,
		pageSize: ANYFORMAT_PAGE_SIZE,
	});
}

/**
 * A run whose lost answer anyformat cannot attribute: its runs list shows when each run was
 * created, not what it read, so any run since the attempt may be this one or another client's.
 */
function directRoute(ctx: ApiContext, workflowId: string, send: () => Promise<IDataObject>, signal?: AbortSignal): SubmissionRoute<IDataObject> {
	return {
		send,
		findLanded: async (since): Promise<Landed<IDataObject>> => {
			const runs = await runsSince(ctx, workflowId, since, signal);
			return runs.length ? { kind: 'candidates', receipts: runs.filter((run) => typeof run.id === 'string') } : { kind: 'absent' };
		},
	};
}

/**
 * Upload first (it stores the file and runs nothing, so a lost answer there is simply sent again),
 * then run the uploaded file: its collection is known before the run, so a lost answer of the run
 * is settled by whether that very collection shows in the workflow's runs.
 */
function stagedRoute(ctx: IExecuteFunctions, workflowId: string, part: () => Promise<MultipartPart>, itemIndex: number, signal?: AbortSignal) {
	return async (): Promise<SubmissionRoute<IDataObject>> => {
		const uploadedAt = Date.now();
		const upload = await postDocument(ctx, { workflowId, endpoint: 'upload', part: await part(), itemIndex, signal, repeatable: true });
		const { file_id: fileId, file_collection_id: collectionId } = upload;
		if (typeof fileId !== 'string' || typeof collectionId !== 'string') {
			throw new Error('anyformat answered the upload without "file_id" and "file_collection_id", so it cannot be run safely');
		}
		return {
			send: async () => await runUploadedFile(ctx, workflowId, fileId, itemIndex),
			findLanded: async (since): Promise<Landed<IDataObject>> => {
				const runs = await runsSince(ctx, workflowId, Math.min(since, uploadedAt), signal);
				const run = runs.find((entry) => entry.id === collectionId);
				return run ? { kind: 'landed', receipt: { ...run, workflow_id: workflowId } } : { kind: 'absent' };
			},
		};
	};
}

/** The text anyformat read from a document, else its fields: equal for two runs of the same document. */
function contentOf(body: IDataObject): string {
	const markdown = isObject(body.parse) ? body.parse.markdown : undefined;
	if (typeof markdown === 'string' && markdown.trim()) return markdown;
	return JSON.stringify(body.extractions ?? body.extraction ?? body.results ?? null);
}

const anyformatSubmission: Omit<SubmissionSpec<CollectionSubmission, IDataObject, CollectionJob, IDataObject>, 'prepare'> = {
	jobsOf: (receipt, submission, itemIndex) =>
		typeof receipt.id === 'string' && receipt.id
			? [{ workflowId: submission.workflowId, collectionId: receipt.id, itemIndex, fileName: submission.fileName }]
			: [],
	idOf: (job) => job.collectionId,
	checker: collectionChecker,
	shape: shapeCollection,
	receiptOutput: (receipt, submission) => [{ ...receipt, _meta: { fileName: submission.fileName ?? null } }],
	sameDocument: (mine, theirs) => contentOf(mine) === contentOf(theirs),
	wording: {
		jobRef: (job) => `collection ${job.collectionId}`,
		documentOf: (job) => (job.fileName ? `"${job.fileName}"` : undefined),
		getOperation: 'Extraction → Get Result',
		locate: (job) => `workflow ${job.workflowId}, collection ${job.collectionId}`,
		noJobId: () => ({
			message: 'anyformat accepted the document but returned no collection ID',
			description: 'Check the workflow runs in anyformat; the document was not sent again.',
		}),
		mayHaveLanded: (submission, ids) => ({
			message: `anyformat may have stored ${submission.label} anyway, as collection ${ids.join(' or ')}`,
			description: `Nothing was sent again, so you are not charged twice. Fetch it with Extraction → Get Result (workflow ${submission.workflowId}, collection ${ids[0]}); if that collection is not this document, run this item again.`,
		}),
	},
};

/**
 * The `executeBatch` of an operation that runs one document per item in a workflow. `describe`
 * checks one item and says what it runs; see submissionOperation for the rest.
 */
export function extractionOperation(describe: (ctx: IExecuteFunctions, itemIndex: number, workflowId: string) => Promise<RunInput>) {
	return submissionOperation<CollectionSubmission, IDataObject, CollectionJob, IDataObject>({
		...anyformatSubmission,
		prepare: async (ctx, itemIndex) => {
			const workflowId = workflowIdOf(ctx, itemIndex);
			const input = await describe(ctx, itemIndex, workflowId);
			const signal = ctx.getExecutionCancelSignal?.();
			if ('fileId' in input) {
				const send = async () => await runUploadedFile(ctx, workflowId, input.fileId, itemIndex);
				return { label: input.label, fileName: input.fileName, workflowId, route: directRoute(ctx, workflowId, send, signal) };
			}
			const send = async () => await postDocument(ctx, { workflowId, endpoint: 'run', part: await input.part(), itemIndex });
			return {
				label: input.label,
				fileName: input.fileName,
				workflowId,
				route: directRoute(ctx, workflowId, send, signal),
				exactRoute: stagedRoute(ctx, workflowId, input.part, itemIndex, signal),
			};
		},
	});
}
