// Writes examples/<key>.json: the demo workflows for users with real API keys (placeholder IDs such as
// YOUR_ANYFORMAT_WORKFLOW_ID, credentials referenced by name only). Rerun after changing demo-workflows.ts:
//   npm run build:tools && node .tools/scripts/make-examples.js
// (test/e2e/demo.e2e.test.ts fails when the committed files differ from what this writes.)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../test/e2e/support/paths';
import { exampleFile, exampleWorkflows } from './demo-workflows';

const examplesDir = join(REPO_ROOT, 'examples');

for (const workflow of exampleWorkflows()) {
	const file = join(examplesDir, `${workflow.key}.json`);
	writeFileSync(file, `${JSON.stringify(exampleFile(workflow), null, '\t')}\n`);
	console.log(`wrote ${file}`);
}
