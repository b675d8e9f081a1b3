import type { INode, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from '../../../shared/itemOutput';
import { SoraJobError } from '../../../shared/jobError';

/** What became of one input item: an output item, an error, or nothing yet (never started). */
export type ItemOutcome = { item: INodeExecutionData } | { error: unknown } | undefined;

const NOT_RUN = 'The item was not run: the node stopped after an earlier item failed';

/** A short account of the other items, so a thrown error never hides jobs that were paid for. */
function summariseOthers(outcomes: ItemOutcome[], failedIndex: number): string {
	const lines: string[] = [];
	outcomes.forEach((outcome, index) => {
		if (index === failedIndex) return;
		if (!outcome) lines.push(`item ${index}: not submitted (stopped after the error)`);
		else if ('item' in outcome) {
			lines.push(`item ${index}: ${String(outcome.item.json.status)} (job ${String(outcome.item.json.jobId)})`);
		} else {
			const jobId = outcome.error instanceof SoraJobError ? outcome.error.jobId : undefined;
			lines.push(`item ${index}: error${jobId ? ` (job ${jobId})` : ''}: ${(outcome.error as Error).message}`);
		}
	});
	return lines.length ? `Other items of this run:\n${lines.join('\n')}` : '';
}

/**
 * One output item per input item, in input order. Without Continue On Fail the first error is
 * thrown instead, carrying an account of every other item.
 */
export function collectBatchOutput(node: INode, outcomes: ItemOutcome[], continueOnFail: boolean): INodeExecutionData[] {
	const firstError = outcomes.findIndex((outcome) => outcome && 'error' in outcome);
	const failedIndex = firstError >= 0 ? firstError : outcomes.findIndex((outcome) => !outcome);
	if (failedIndex >= 0 && !continueOnFail) {
		const outcome = outcomes[failedIndex];
		const error = outcome && 'error' in outcome ? outcome.error : new Error(NOT_RUN);
		throw toNodeError(node, error, failedIndex, summariseOthers(outcomes, failedIndex));
	}
	return outcomes.map((outcome, index) =>
		outcome && 'item' in outcome ? outcome.item : errorItem(outcome?.error ?? new Error(NOT_RUN), index),
	);
}
