import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { routeResources } from '../../../shared/router';
import * as document from './document/Document.resource';
import * as extract from './extract/Extract.resource';
import * as parsing from './parsing/Parsing.resource';

/** Every resource of node version 2 (Anesya API v0) and its operations, by the values workflows store. */
export const resources = {
	document: document.operations,
	extract: extract.operations,
	parsing: parsing.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await routeResources.call(this, resources);
}
