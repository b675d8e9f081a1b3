import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WAIT_MODES } from './generateVideo.description';

export type WaitMode = (typeof WAIT_MODES)[keyof typeof WAIT_MODES];

/** How the whole batch waits; read once per run, since one batch has one way of waiting. */
export interface WaitSettings {
	waitMode: WaitMode;
	pollIntervalMs: number;
	timeoutMs: number;
	maxJobsInFlight: number;
	downloadVideo: boolean;
	binaryPropertyName: string;
}

function positiveNumber(context: IExecuteFunctions, name: string, label: string, min: number): number {
	const value = Number(context.getNodeParameter(name, 0));
	if (!Number.isFinite(value) || value < min) {
		throw new NodeOperationError(context.getNode(), `Invalid "${label}": must be a number of at least ${min}`);
	}
	return value;
}

export function readWaitSettings(context: IExecuteFunctions): WaitSettings {
	const waitMode = context.getNodeParameter('waitMode', 0) as WaitMode;
	if (!Object.values(WAIT_MODES).includes(waitMode)) {
		throw new NodeOperationError(context.getNode(), `Invalid "Wait for Result": unknown mode "${waitMode}"`);
	}
	const polls = waitMode === WAIT_MODES.poll;
	const maxJobsInFlight = Math.floor(positiveNumber(context, 'maxJobsInFlight', 'Max Jobs in Flight', 1));
	const binaryPropertyName = String(context.getNodeParameter('options.binaryPropertyName', 0, 'data')).trim();
	if (!binaryPropertyName) {
		throw new NodeOperationError(context.getNode(), 'Invalid "Put Video in Field": must not be empty');
	}
	return {
		waitMode,
		pollIntervalMs: polls ? positiveNumber(context, 'pollIntervalSeconds', 'Poll Interval (Seconds)', 1) * 1000 : 0,
		timeoutMs: positiveNumber(context, 'timeoutMinutes', 'Timeout (Minutes)', 0.1) * 60_000,
		maxJobsInFlight,
		downloadVideo: polls && (context.getNodeParameter('downloadVideo', 0, true) as boolean),
		binaryPropertyName,
	};
}
