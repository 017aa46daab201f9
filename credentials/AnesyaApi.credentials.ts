import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AnesyaApi implements ICredentialType {
	name = 'anesyaApi';

	displayName = 'Anesya API';

	documentationUrl = 'https://docs.anesya.app/tutorials/api_key';

	icon: Icon = { light: 'file:../nodes/Anesya/anesya.svg', dark: 'file:../nodes/Anesya/anesya.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Token from My Account → API in the Anesya dashboard. Tokens expire after the lifetime chosen at creation (1, 3 or 6 months, or never).',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.anesya.app',
			description: 'Change only to reach a different Anesya environment, such as a local sandbox',
		},
	];

	// Anesya 0.8 expects the token itself in Authorization, with no "Bearer" scheme.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '={{$credentials.apiToken}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/schema/',
			qs: { page: 1, size: 1 },
		},
	};
}
