import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { SubmitOutcome } from '../../../shared/soraApi';
import type { TtApiClient } from '../../../shared/transport';

/** One TTAPI job's record, normalised: what every wait mode outputs for it. */
export interface JobResult extends IDataObject {
	jobId: string;
	status: string;
	message?: string;
}

export type NodeContext = IExecuteFunctions | IWebhookFunctions;

/**
 * One kind of TTAPI job (a video generation, a character): how it is submitted, how its
 * record (the /sora/fetch answer and the callback body are the same JSON) reads, and what a final
 * record outputs. Everything else in this folder is the same for every kind: Max Jobs in Flight,
 * the money rule, polling, pausing for callbacks and resuming.
 */
export interface JobKind<Result extends JobResult = JobResult> {
	/** Stored with a waiting batch: webhook() finds the kind again by it. */
	readonly name: string;
	/** The operation that looks such a job up later by its ID (named in errors that carry one). */
	readonly lookUp: string;
	/** One POST that creates the job (endpoint and body are the kind's), classified for the money rule. */
	submit(client: TtApiClient, body: IDataObject): Promise<SubmitOutcome>;
	normalise(record: IDataObject, jobId: string): Result;
	/** What a job TTAPI accepted looks like before anyone has fetched it (Don't Wait). */
	submitted(body: IDataObject, jobId: string): Result;
	/** Request fields an item shows while it waits (e.g. the prompt). */
	echo(body: IDataObject): IDataObject;
	/** The output item of a final record; throws a SoraJobError when the job FAILED. */
	toItem(context: NodeContext, result: Result, itemIndex: number, options: IDataObject): Promise<INodeExecutionData>;
}

/** The kinds a waiting batch can be of, by name (the node's webhook() serves them all). */
export type JobKinds = Record<string, JobKind>;
