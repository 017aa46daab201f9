import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeResources } from '../../shared/router';
import * as extract from './extract/Extract.resource';
import * as schema from './schema/Schema.resource';

/** Every resource and its operations, by the values saved workflows store. */
export const resources = {
	extract: extract.operations,
	schema: schema.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeResources.call(this, resources);
}
