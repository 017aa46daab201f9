// Shared setup of the Anyformat action-node integration tests: the fake API on a random port and a
// runner that executes the node in n8n's engine with a credential pointing at it.
import type { INodeParameters } from 'n8n-workflow';

import { Anyformat } from '../../../nodes/Anyformat/Anyformat.node';
import { DEFAULT_ANYFORMAT_KEY, startFakeApi, type FakeApi, type FakeApiOptions } from '../../fake-api';
import { INVOICE_WORKFLOW } from '../../fake-api/test-helpers';
import { fakeCredentials, runNode, type RunNodeOptions, type RunNodeResult } from '../../helpers/n8n-harness';

export const API_KEY = DEFAULT_ANYFORMAT_KEY;

export interface AnyformatTestEnv {
	fake: FakeApi;
	run(
		parameters: INodeParameters,
		options?: Pick<RunNodeOptions, 'items' | 'continueOnFail' | 'onStarted'> & { apiKey?: string },
	): Promise<RunNodeResult>;
	/** A workflow with the invoice fields, created directly in the fake (no request logged). */
	createWorkflow(): string;
	close(): Promise<void>;
}

export async function startAnyformatEnv(options: FakeApiOptions = {}): Promise<AnyformatTestEnv> {
	const fake = await startFakeApi({ ...options, anyformat: { latencyMs: 50, ...options.anyformat } });
	return {
		fake,
		run: async (parameters, { items, continueOnFail, onStarted, apiKey } = {}) =>
			await runNode({
				nodeType: new Anyformat(),
				parameters,
				credentials: fakeCredentials(fake, { apiKey }),
				items,
				continueOnFail,
				onStarted,
			}),
		createWorkflow: () => fake.anyformat.createWorkflow(INVOICE_WORKFLOW).id,
		close: async () => await fake.close(),
	};
}
