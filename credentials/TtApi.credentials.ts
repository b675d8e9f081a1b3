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

	// n8n runs this request when you click Test (a credential's own test wins over any node's test
	// function, on both lines) and shows fixed texts only: "Connection successful!", the first rule
	// below that matches, or a network error. HTTP errors are let through to the rules, because only
	// n8n 2.x looks at the status code of a failed request (1.x would show its own generic text).
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.baseUrl === "custom" ? $credentials.customBaseUrl.trim().replace(/\\/+$/, "") : $credentials.baseUrl }}',
			url: '/midjourney/v1/info',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			{
				// TTAPI's documented answer to a wrong key (HTTP 401), word for word.
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'Wrong TT-API-KEY or email is not activated.',
					message: 'TTAPI refused the API key: Wrong TT-API-KEY or email is not activated.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 'FAILED',
					message: 'TTAPI refused the account request: check the API Key, and that the email of your TTAPI account is activated',
				},
			},
			{
				// Not TTAPI at all (an HTML page, another API, a proxy answering 404): no "status" field.
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: undefined,
					message:
						'The Base URL answered, but not as TTAPI does: is it https://api.ttapi.io, https://api.ttapi.org, or a proxy that passes /midjourney/v1/info on?',
				},
			},
		],
	};
}
