import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInput } from '../../../shared/errors';
import { requiredId } from '../common.descriptions';

export const jobIdProperty: INodeProperties = {
	displayName: 'Job ID',
	name: 'jobId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 362963',
	description: 'The number of a legacy (v1) extraction job: the "extraction_id" returned by the v1 run endpoint',
};

/** Legacy job IDs are numbers; a v2 collection ID (a UUID) is a common mix-up worth naming. */
export function jobIdOf(ctx: IExecuteFunctions, itemIndex: number): string {
	const fix = 'Enter the job number (e.g. 362963). For a document submitted with this node, use Extraction → Get Result with its collection ID.';
	const id = requiredId(ctx, itemIndex, 'jobId', 'Job ID', fix);
	if (!/^\d+$/.test(id)) throw invalidInput(ctx.getNode(), itemIndex, 'Job ID', `"${id}" is not a legacy job ID (a number)`, fix);
	return id;
}
