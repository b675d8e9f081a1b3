import type { IDataObject } from 'n8n-workflow';

import type { CallbackJobKind, CallbackPayload } from '../shared/callbackAuth';
import { normaliseCharacter } from '../shared/characterResult';
import { normaliseJobResult, recordKind } from '../shared/normalise';

interface TriggerJobKind {
	/** Sora Generate's operation that looks such a job up (named when TTAPI cannot be asked). */
	lookUp: string;
	/** Sora Generate's normaliser for the kind, so both nodes output a job the same way. */
	normalise(record: IDataObject, jobId: string): IDataObject & { jobId: string; status: string };
}

export const TRIGGER_JOB_KINDS: Record<CallbackJobKind, TriggerJobKind> = {
	video: { lookUp: 'Get Video', normalise: normaliseJobResult },
	character: { lookUp: 'Get Character', normalise: normaliseCharacter },
};

/**
 * What kind of job a callback is about: what Sora Generate signed into the callback URL (it knows
 * what it submitted), else the record's shape (URLs made before the kind was signed, or by hand).
 */
export function kindOfCallback(payload: CallbackPayload | undefined, record: IDataObject): CallbackJobKind {
	return payload?.kind ?? recordKind(record);
}
