import { workflowListOperation } from './workflowList';

export const { description, execute } = workflowListOperation(
	'getManyRuns',
	'runs',
	'The workflow whose runs to list: one run per processed or processing file collection',
);
