import { workflowListOperation } from './workflowList';

export const { description, execute } = workflowListOperation(
	'getAll',
	'files',
	'The workflow whose files to list: each upload or run is a file collection with its processing status',
);
