import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { routeItems, type Operation } from '../../shared/router';
import * as extract from './extract/Extract.resource';
import * as schema from './schema/Schema.resource';

const operationsByResource: Record<string, Record<string, Operation>> = {
	extract: extract.operations,
	schema: schema.operations,
};

/** Runs the operation the node is set to (resource and operation are the same for every item). */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = operationsByResource[resource]?.[operation];
	if (selected) return await routeItems.call(this, selected);
	throw new NodeOperationError(this.getNode(), `Anesya has no operation "${operation}" for resource "${resource}"`);
}
