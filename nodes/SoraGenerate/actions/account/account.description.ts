import type { INodeProperties } from 'n8n-workflow';

export const accountOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['account'] } },
	options: [
		{
			name: 'Get',
			value: 'getAccount',
			action: 'Get the account',
			description: "Your TTAPI balance (quota and USD), frozen balance and queue limit (max_queue)",
		},
	],
	default: 'getAccount',
};

export const accountDescription: INodeProperties[] = [
	accountOperations,
	{
		displayName:
			'One request to TTAPI per input item; it costs nothing. balance and freezeBalance are in quota, balanceUsd and freezeBalanceUsd in US dollars (1 USD = 100 quota), maxQueue is how many jobs your account may have queued or rendering at once.',
		name: 'accountNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['account'], operation: ['getAccount'] } },
	},
];
