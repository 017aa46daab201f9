import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** Header names either generation authenticates with; a request carries exactly one of them. */
const AUTH_HEADERS = new Set(['authorization', 'x-api-key']);

export class AnesyaApi implements ICredentialType {
	name = 'anesyaApi';

	displayName = 'Anesya API';

	documentationUrl = 'https://docs.anesya.app/tutorials/api_key';

	icon: Icon = { light: 'file:../nodes/Anesya/anesya.svg', dark: 'file:../nodes/Anesya/anesya.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Generation',
			name: 'apiGeneration',
			type: 'options',
			options: [
				{
					name: '0.8.1 (API Token)',
					value: 'legacy',
					description: 'Tokens from My Account → API, sent in the Authorization header. Used by Anesya nodes of version 1.',
				},
				{
					name: 'V0 (API Key)',
					value: 'v0',
					description: 'Keys for the current API (documents, parsing, extract), sent in the X-API-Key header. Used by new Anesya nodes.',
				},
			],
			// Credentials saved before this choice existed have no value: they keep the 0.8.1 header.
			default: 'legacy',
			description:
				'Which Anesya API the key belongs to. The dashboard and docs that speak of documents, parsing and the X-API-Key header are v0; those that speak of tokens, servers (EU-1, FR-1…) and workflows are 0.8.1.',
		},
		{
			displayName: 'API Key or Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The v0 API key, or the 0.8.1 token, from the Anesya dashboard. 0.8.1 tokens expire after the lifetime chosen at creation (1, 3 or 6 months, or never).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.anesya.app',
			description: 'Change only to reach a different Anesya environment, such as a local sandbox',
		},
	];

	/**
	 * Exactly one auth header: v0 wants the key in X-API-Key, 0.8.1 the token itself in Authorization
	 * (no "Bearer"). Sending both could make the API reject a valid key on the other header.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const headers = Object.fromEntries(
			Object.entries(requestOptions.headers ?? {}).filter(([name]) => !AUTH_HEADERS.has(name.toLowerCase())),
		);
		const secret = String(credentials.apiToken ?? '');
		if (credentials.apiGeneration === 'v0') headers['X-API-Key'] = secret;
		else headers.Authorization = secret;
		return { ...requestOptions, headers };
	}

	// The chosen generation's cheapest authenticated read: v0 documents its document list as the
	// "minimal authenticated request"; 0.8.1 the schema list. v0 list parameters are unknown, so none are sent.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '={{$credentials.apiGeneration === "v0" ? "/v0/documents" : "/schema/?page=1&size=1"}}',
		},
	};
}
