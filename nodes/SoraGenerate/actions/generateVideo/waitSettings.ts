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
	/** Max Jobs in Flight From Account: max_queue replaces maxJobsInFlight (read by the operation, once per run). */
	maxJobsFromAccount: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
}

/**
 * The number fields' limits. The editor enforces them as the fields' minValue/maxValue (a unit
 * test keeps the two equal); an expression or imported workflow JSON can hold any number, so the
 * node checks them again here.
 */
export const NUMBER_LIMITS = {
	pollIntervalSeconds: { min: 1 },
	timeoutMinutes: { min: 0.1 },
	maxWaitMinutes: { min: 0.1 },
	maxJobsInFlight: { min: 1, max: 50 },
	safetyCheckMinutes: { min: 1 },
} as const satisfies Record<string, { min: number; max?: number }>;

function readNumber(
	context: IExecuteFunctions,
	path: string,
	label: string,
	limits: { min: number; max?: number },
	fallback: number,
): number {
	const value = Number(context.getNodeParameter(path, 0, fallback));
	if (!Number.isFinite(value) || value < limits.min) {
		throw new NodeOperationError(context.getNode(), `Invalid "${label}": must be a number of at least ${limits.min}`);
	}
	if (limits.max !== undefined && value > limits.max) {
		throw new NodeOperationError(context.getNode(), `Invalid "${label}": must be at most ${limits.max} (got ${value})`);
	}
	return value;
}

/** `downloads`: whether the operation has a Download Video field (a character has no video to download). */
export function readWaitSettings(context: IExecuteFunctions, { downloads = true }: { downloads?: boolean } = {}): WaitSettings {
	const waitMode = context.getNodeParameter('waitMode', 0) as WaitMode;
	if (!Object.values(WAIT_MODES).includes(waitMode)) {
		throw new NodeOperationError(context.getNode(), `Invalid "Wait for Result": unknown mode "${waitMode}"`);
	}
	const waits = waitMode !== WAIT_MODES.none;
	const polls = waitMode === WAIT_MODES.poll || waitMode === WAIT_MODES.auto;
	const callsBack = waitMode === WAIT_MODES.callback || waitMode === WAIT_MODES.auto;
	const downloadVideo = downloads && waits && (context.getNodeParameter('downloadVideo', 0, true) as boolean);
	// Put Video in Field is offered only when a video is downloaded; otherwise it means nothing.
	const binaryPropertyName = downloadVideo
		? String(context.getNodeParameter('options.binaryPropertyName', 0, 'data')).trim()
		: 'data';
	if (!binaryPropertyName) {
		throw new NodeOperationError(context.getNode(), 'Invalid "Put Video in Field": must not be empty');
	}
	return {
		waitMode,
		pollIntervalMs: waits ? readNumber(context, 'pollIntervalSeconds', 'Poll Interval (Seconds)', NUMBER_LIMITS.pollIntervalSeconds, 15) * 1000 : 0,
		timeoutMs: callsBack && !polls ? 0 : readNumber(context, 'timeoutMinutes', 'Timeout (Minutes)', NUMBER_LIMITS.timeoutMinutes, 30) * 60_000,
		maxWaitMs: callsBack ? readNumber(context, 'maxWaitMinutes', 'Max Wait (Minutes)', NUMBER_LIMITS.maxWaitMinutes, 180) * 60_000 : 0,
		recheckMs: callsBack ? readNumber(context, 'options.safetyCheckMinutes', 'Safety Check Every (Minutes)', NUMBER_LIMITS.safetyCheckMinutes, 10) * 60_000 : 0,
		confirmWithFetch: context.getNodeParameter('options.confirmWithFetch', 0, true) as boolean,
		maxJobsInFlight: Math.floor(readNumber(context, 'maxJobsInFlight', 'Max Jobs in Flight', NUMBER_LIMITS.maxJobsInFlight, 5)),
		maxJobsFromAccount: context.getNodeParameter('maxJobsFromAccount', 0, false) === true,
		downloadVideo,
		binaryPropertyName,
	};
}
