/** jest globalTeardown: safety net that kills any n8n this run started and a suite failed to stop. */
import { reapInstances } from './support/n8n-instance';

export default async function globalTeardown(): Promise<void> {
	const runId = process.env.E2E_RUN_ID;
	if (!runId) return;
	const killed = reapInstances(runId);
	if (killed.length) process.stdout.write(`[e2e teardown] killed leftover n8n processes: ${killed.join(', ')}\n`);
}
