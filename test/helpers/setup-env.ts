// n8n-core keeps instance settings under N8N_USER_FOLDER; point it at a throw-away folder so tests
// never touch ~/.n8n, and fix the encryption key so nothing is generated per run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER_FOR_TESTS) {
	process.env.N8N_USER_FOLDER_FOR_TESTS = mkdtempSync(join(tmpdir(), 'n8n-docx-test-'));
}
process.env.N8N_USER_FOLDER = process.env.N8N_USER_FOLDER_FOR_TESTS;
process.env.N8N_ENCRYPTION_KEY = 'unit-tests-not-secret';
// n8n-core logs every node error it runs into (winston, to the console); a test reads the error from the
// run's result instead. TEST_VERBOSE=1 brings the log back (with n8n's default level, or N8N_LOG_LEVEL).
if (process.env.TEST_VERBOSE !== '1') process.env.N8N_LOG_LEVEL = 'silent';

// n8n-workflow runs the regular expressions of resource locators in a node:vm with a 250 ms wall-clock
// limit; on a loaded 2-core machine a test was descheduled past it ("Regular expression execution timed
// out"). The tests' patterns are the nodes' own fixed ones, so they run on the plain engine here.
// (required here, not imported: an import would be hoisted above the environment set above)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setSafeRegexEngine } = require('n8n-workflow') as typeof import('n8n-workflow');

setSafeRegexEngine({
	exec: (pattern, input, flags) => new RegExp(pattern, flags).exec(input),
	test: (pattern, input, flags) => new RegExp(pattern, flags).test(input),
	replace: (pattern, input, flags, replacement) => input.replace(new RegExp(pattern, flags), replacement),
	matchAll: (pattern, input, flags) => Array.from(input.matchAll(new RegExp(pattern, flags?.includes('g') ? flags : `${flags ?? ''}g`))),
	split: (pattern, input, flags) => input.split(new RegExp(pattern, flags)),
});
