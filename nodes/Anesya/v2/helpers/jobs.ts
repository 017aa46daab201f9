import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ShapeOptions } from '../../../shared/items';
import { submissionOperation, type Submission } from '../../../shared/submission';
import { isObject } from '../../../shared/values';
import { v0Checker, jobRef, type V0Job, type V0Kind, type V0Result } from './checker';
import { parsingMeta, shapeParsing, shapeV0Extract, v0ExtractMeta } from './results';

/**
 * What one input item starts: one parsing or extract, or (a URL list) one parsing per URL. The
 * receipt is Anesya's answer: the created resource, or a list of them.
 *
 * Lost answers: v0 documents no list of parsings or extracts, so a create whose answer got lost
 * cannot be looked up (its route has no `findLanded`): with Resend Safely it is sent again and the
 * item says `_meta.possibleDuplicate`; with Fail the Item the item fails saying it may have landed.
 * Binary files are stored with a separate, free upload first (see prepareV0Input), which leaves
 * only a small JSON request on the paid step.
 */
export interface V0Submission extends Submission<unknown> {
	/** What each job reads, in receipt order. */
	labels: string[];
	/** Extract: fetch the parsing's markdown as the document text. */
	withText?: boolean;
}

function receiptsOf(receipt: unknown): IDataObject[] {
	return (Array.isArray(receipt) ? receipt : [receipt]).filter(isObject);
}

function jobsOf(kind: V0Kind) {
	return (receipt: unknown, submission: V0Submission, itemIndex: number): V0Job[] => {
		const created = Array.isArray(receipt) ? receipt : [receipt];
		const complete = created.length > 0 && created.every((r) => isObject(r) && typeof r.id === 'string' && r.id !== '');
		if (!complete) return [];
		return (created as IDataObject[]).map((resource, i) => ({
			kind,
			id: resource.id as string,
			itemIndex,
			documentName: submission.labels[i] ?? submission.labels[0],
			lastStatus: typeof resource.status === 'string' ? resource.status : undefined,
			withText: submission.withText,
		}));
	};
}

const WORDS: Record<V0Kind, { getOperation: string; shape: (result: V0Result, shape: ShapeOptions) => IDataObject[]; meta: (body: IDataObject) => IDataObject }> = {
	parsing: {
		getOperation: 'Parsing → Get',
		shape: (result, shape) => [shapeParsing(result.body, shape.output)],
		meta: parsingMeta,
	},
	extract: {
		getOperation: 'Extract → Get',
		shape: (result, shape) => shapeV0Extract(result.body, shape, result.text),
		meta: v0ExtractMeta,
	},
};

/**
 * The `executeBatch` of a v0 create operation. `prepare` checks one item and says what it sends;
 * see submissionOperation for the pipeline, ledger and poller.
 */
export function v0CreateOperation(kind: V0Kind, prepare: (ctx: IExecuteFunctions, itemIndex: number) => Promise<V0Submission>) {
	const words = WORDS[kind];
	return submissionOperation<V0Submission, unknown, V0Job, V0Result>({
		prepare,
		jobsOf: jobsOf(kind),
		idOf: (job) => job.id,
		checker: v0Checker,
		shape: (result, _job, shape) => words.shape(result, shape),
		// The receipts: not final yet; `_meta.<kind>Id` is what Get takes.
		receiptOutput: (receipt) => receiptsOf(receipt).map((resource) => ({ ...resource, _meta: words.meta(resource) })),
		wording: {
			jobRef,
			documentOf: (job) => job.documentName,
			getOperation: words.getOperation,
			locate: (job) => `${kind} ${job.id}`,
			noJobId: (submission) => ({
				message: `Anesya accepted ${submission.label} but its answer names no ${kind} ID (expected an "id" in the created ${kind}${kind === 'parsing' ? ' or in each entry of the list' : ''})`,
				description: `Look for the ${kind} in the Anesya dashboard; nothing was sent again. The answer is kept under "response" in the error details.`,
			}),
			mayHaveLanded: (submission, ids) => ({
				message: `Anesya may have started ${submission.label} anyway, as ${kind} ${ids.join(' or ')}`,
				description: `Nothing was sent again, so you are not charged twice. Check it with ${words.getOperation} (${kind} ${ids[0]}); if it is not this document, run this item again.`,
			}),
		},
	});
}
