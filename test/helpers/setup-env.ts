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
