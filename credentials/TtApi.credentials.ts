import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class TtApi implements ICredentialType {
	name = 'ttApi';

	displayName = 'TTAPI API';

	icon = { light: 'file:ttapi.svg', dark: 'file:ttapi.dark.svg' } as const;

	documentationUrl = 'https://docs.ttapi.io';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your TT-API-KEY from the TTAPI dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'options',
			options: [
				{
					name: 'api.ttapi.io (Primary)',
					value: 'https://api.ttapi.io',
				},
				{
					name: 'api.ttapi.org (Acceleration Host, Recommended for Long Jobs)',
					value: 'https://api.ttapi.org',
				},
				{
					name: 'Custom URL (Proxy or Local Simulator)',
					value: 'custom',
				},
			],
			default: 'https://api.ttapi.io',
		},
		{
			displayName: 'Custom Base URL',
			name: 'customBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8787',
			description: 'The address of your proxy or the TTAPI simulator, starting with http:// or https://',
			displayOptions: { show: { baseUrl: ['custom'] } },
		},
		{
			displayName: 'Callback Secret',
			name: 'callbackSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Any long random text you choose. Sora Generate adds a token made from it to callback URLs, and Sora Trigger refuses callbacks without that token. Needed for Sora Trigger.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'TT-API-KEY': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.baseUrl === "custom" ? $credentials.customBaseUrl.replace(/\\/+$/, "") : $credentials.baseUrl }}',
			url: '/midjourney/v1/info',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 'FAILED',
					message: 'TTAPI refused the API key: check that it is correct and that your TTAPI email is activated',
				},
			},
		],
	};
}
