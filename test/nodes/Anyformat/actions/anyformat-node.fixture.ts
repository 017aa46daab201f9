// Shared setup of the Anyformat action-node integration tests: the fake API on a random port and a
// runner that executes the node in n8n's engine with a credential pointing at it.
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Anyformat } from '../../../../nodes/Anyformat/Anyformat.node';
import { startFakeApi, type FakeApi, type FakeApiOptions } from '../../../fake-api';
import { INVOICE_TEXT, INVOICE_WORKFLOW } from '../../../fake-api/test-helpers';
import { runNode, type RunNodeResult } from '../../../helpers/n8n-harness';

export const API_KEY = 'af_test_key';
export { INVOICE_TEXT, INVOICE_WORKFLOW };

export interface AnyformatTestEnv {
	fake: FakeApi;
	run(parameters: INodeParameters, options?: { items?: INodeExecutionData[]; continueOnFail?: boolean; apiKey?: string }): Promise<RunNodeResult>;
	/** A workflow with the invoice fields, created directly in the fake (no request logged). */
	createWorkflow(): string;
	close(): Promise<void>;
}

/** The value n8n stores for a resource locator set "By ID". */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

export async function startAnyformatEnv(options: FakeApiOptions = {}): Promise<AnyformatTestEnv> {
	const fake = await startFakeApi({ ...options, anyformat: { latencyMs: 50, ...options.anyformat } });
	return {
		fake,
		run: async (parameters, { items, continueOnFail, apiKey = API_KEY } = {}) =>
			await runNode({
				nodeType: new Anyformat(),
				parameters,
				credentials: { anyformatApi: { apiKey, baseUrl: fake.urls.anyformat } },
				items,
				continueOnFail,
			}),
		createWorkflow: () => fake.anyformat.createWorkflow(INVOICE_WORKFLOW).id,
		close: async () => await fake.close(),
	};
}
