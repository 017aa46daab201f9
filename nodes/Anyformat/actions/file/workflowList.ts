import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../../shared/descriptions';
import { anyformatList } from '../../transport';
import { workflowIdOf, workflowLocator } from '../common.descriptions';

/**
 * A Get Many operation over one of a workflow's v2 lists (`files` = file collections, `runs`): one
 * output item per entry, Return All or Limit.
 */
export function workflowListOperation(operation: string, list: 'files' | 'runs', locatorDescription: string) {
	const description = updateDisplayOptions({ show: { resource: ['file'], operation: [operation] } }, [
		{ ...workflowLocator, description: locatorDescription },
		...returnAllOrLimit,
	] as INodeProperties[]);

	async function execute(this: IExecuteFunctions, itemIndex: number) {
		const workflowId = workflowIdOf(this, itemIndex);
		const limit = readLimit(this, itemIndex);
		return await anyformatList(this, `/v2/workflows/${encodeURIComponent(workflowId)}/${list}/`, { limit, itemIndex });
	}

	return { description, execute };
}
