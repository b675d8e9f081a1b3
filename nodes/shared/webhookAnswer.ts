import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { runLater } from './backoff';

/** How long TTAPI may wait for an answer to its callback while the node looks up and downloads. */
export const TTAPI_ANSWER_WITHIN_MS = 5000;

interface ResponseLike {
	headersSent?: boolean;
	status(code: number): ResponseLike;
	json(body: unknown): unknown;
}

/**
 * Lets n8n answer a callback once it has started (or resumed) the execution, so a 200 never
 * stands for an execution n8n then dropped, e.g. in a shutdown (n8n 2.x answers only after it
 * registered the execution). If the work takes longer than `withinMs`, answers `body` itself.
 */
export function answerWithin(response: ResponseLike, body: IDataObject, withinMs = TTAPI_ANSWER_WITHIN_MS) {
	const answerNow = () => {
		if (!response.headersSent) response.status(200).json(body);
	};
	const cancel = runLater(withinMs, answerNow);
	return {
		/** Answers now; for calls that start nothing. */
		answerNow,
		cancel,
		/** Hands the items to n8n: it answers unless the budget ran out and we answered already. */
		start(workflowData: INodeExecutionData[][]): IWebhookResponseData {
			cancel();
			if (response.headersSent) return { noWebhookResponse: true, workflowData };
			return { webhookResponse: body, workflowData };
		},
	};
}

/** Answers a webhook call with `status` and `body` itself (n8n then sends nothing more). */
export function answerWith(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Makes the items an execution starts (or resumes) with, and lets n8n answer `body` once it has
 * done so (past the budget we answer ourselves). If making them throws, the call is answered all
 * the same: the error is the node's, not the caller's.
 */
export async function startWithin(response: ResponseLike, body: IDataObject, make: () => Promise<INodeExecutionData[][]>): Promise<IWebhookResponseData> {
	const reply = answerWithin(response, body);
	let workflowData: INodeExecutionData[][] | undefined;
	try {
		workflowData = await make();
	} finally {
		reply.cancel();
		if (!workflowData) reply.answerNow();
	}
	return reply.start(workflowData);
}
