import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { WAIT_MODES } from './generateVideo.description';

export type WaitMode = (typeof WAIT_MODES)[keyof typeof WAIT_MODES];

/** How the whole batch waits; read once per run, since one batch has one way of waiting. */
export interface WaitSettings {
	waitMode: WaitMode;
	pollIntervalMs: number;
	timeoutMs: number;
	maxWaitMs: number;
	recheckMs: number;
	confirmWithFetch: boolean;
	maxJobsInFlight: number;
	downloadVideo: boolean;
	binaryPropertyName: string;
}

function numberAtLeast(context: IExecuteFunctions, name: string, label: string, min: number, fallback: number): number {
	const value = Number(context.getNodeParameter(name, 0, fallback));
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
	const waits = waitMode !== WAIT_MODES.none;
	const polls = waitMode === WAIT_MODES.poll || waitMode === WAIT_MODES.auto;
	const callsBack = waitMode === WAIT_MODES.callback || waitMode === WAIT_MODES.auto;
	// Wait for Callback polls too, while items of a batch wait for a place among Max Jobs in Flight.
	const binaryPropertyName = String(context.getNodeParameter('options.binaryPropertyName', 0, 'data')).trim();
	if (!binaryPropertyName) {
		throw new NodeOperationError(context.getNode(), 'Invalid "Put Video in Field": must not be empty');
	}
	return {
		waitMode,
		pollIntervalMs: waits ? numberAtLeast(context, 'pollIntervalSeconds', 'Poll Interval (Seconds)', 1, 15) * 1000 : 0,
		timeoutMs: callsBack && !polls ? 0 : numberAtLeast(context, 'timeoutMinutes', 'Timeout (Minutes)', 0.1, 30) * 60_000,
		maxWaitMs: callsBack ? numberAtLeast(context, 'maxWaitMinutes', 'Max Wait (Minutes)', 0.1, 180) * 60_000 : 0,
		recheckMs: callsBack ? numberAtLeast(context, 'options.safetyCheckMinutes', 'Safety Check Every (Minutes)', 1, 10) * 60_000 : 0,
		confirmWithFetch: context.getNodeParameter('options.confirmWithFetch', 0, true) as boolean,
		maxJobsInFlight: Math.floor(numberAtLeast(context, 'maxJobsInFlight', 'Max Jobs in Flight', 1, 5)),
		downloadVideo: waits && (context.getNodeParameter('downloadVideo', 0, true) as boolean),
		binaryPropertyName,
	};
}
