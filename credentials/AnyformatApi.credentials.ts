import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AnyformatApi implements ICredentialType {
	name = 'anyformatApi';

	displayName = 'Anyformat API';

	documentationUrl = 'https://docs.anyformat.ai/api-reference/authentication';

	icon: Icon = { light: 'file:../nodes/Anyformat/anyformat.svg', dark: 'file:../nodes/Anyformat/anyformat.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Your anyformat API key, from Settings in app.anyformat.ai. Creating a new key revokes the previous one.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.anyformat.ai',
			description: 'Change only to reach a different anyformat environment, such as a local sandbox',
		},
	];

	// v2 endpoints read the Bearer token; the legacy v1 endpoints (jobs, results export) read x-api-key.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/workflows/',
			qs: { page_size: 1 },
		},
	};
}
