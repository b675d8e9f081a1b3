import type { IDataObject, NodeParameterValueType } from 'n8n-workflow';

import { TtApi } from '../../credentials/TtApi.credentials';
import { SoraGenerate } from '../../nodes/SoraGenerate/SoraGenerate.node';
import { runNode } from '../harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSimulator } = require('../simulator');

export const API_KEY = 'sk-test-DO-NOT-LEAK-7f3a9c';

export interface Simulator {
	url: string;
	close(): Promise<void>;
	configure(options: Record<string, unknown>): void;
	injectFault(fault: Record<string, unknown>): string;
	clearFaults(): void;
	reset(): void;
	counters(): Record<string, any>;
	getJob(jobId: string): Record<string, any> | undefined;
}

export async function startTestSimulator(options: Record<string, unknown> = {}): Promise<Simulator> {
	return (await startSimulator({
		port: 0,
		apiKeys: [API_KEY],
		queueLimit: 5,
		queueMs: 100,
		renderMs: 1200,
		videoBytes: 64 * 1024,
		...options,
	})) as Simulator;
}

export const generateParameters = (extra: Record<string, NodeParameterValueType> = {}): Record<string, NodeParameterValueType> => ({
	operation: 'generateVideo',
	model: 'sora-2',
	prompt: '={{ $json.prompt }}',
	waitMode: 'poll',
	pollIntervalSeconds: 1,
	timeoutMinutes: 2,
	maxJobsInFlight: 5,
	downloadVideo: true,
	...extra,
});

export async function runSora(
	sim: Simulator,
	parameters: Record<string, NodeParameterValueType>,
	input: IDataObject[],
	extra: {
		apiKey?: string;
		baseUrl?: string;
		callbackSecret?: string;
		continueOnFail?: boolean;
		cancelAfterMs?: number;
		binaryMode?: 'default' | 'filesystem';
	} = {},
) {
	return await runNode({
		node: SoraGenerate,
		parameters,
		input,
		credentials: {
			ttApi: {
				apiKey: extra.apiKey ?? API_KEY,
				baseUrl: 'custom',
				customBaseUrl: extra.baseUrl ?? sim.url,
				...(extra.callbackSecret ? { callbackSecret: extra.callbackSecret } : {}),
			},
		},
		credentialTypes: [TtApi],
		continueOnFail: extra.continueOnFail,
		cancelAfterMs: extra.cancelAfterMs,
		binaryMode: extra.binaryMode,
	});
}

export const prompts = (...texts: string[]) => texts.map((prompt) => ({ prompt }));
