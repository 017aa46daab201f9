/**
 * jest globalTeardown of the queue suite: the shared safety net (kill any n8n of this run a suite failed to stop),
 * then finish the clean-up of this run's database, Redis keys and private services if a suite could not.
 */
import sharedTeardown from '../global-teardown';
import { cleanupRecordedRuns } from './services';

export default async function globalTeardown(): Promise<void> {
	await sharedTeardown();
	const runId = process.env.E2E_RUN_ID;
	if (!runId) return;
	for (const report of await cleanupRecordedRuns({ runId })) {
		process.stdout.write(
			`[e2e teardown] finished the clean-up of ${report.database}: dropped ${report.databaseDropped}, ${report.redisKeysDeleted} Redis keys deleted\n`,
		);
	}
}
