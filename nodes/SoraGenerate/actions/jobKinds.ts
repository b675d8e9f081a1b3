import type { JobKind, JobKinds } from './batch/jobKind';
import { characterJob } from './character/characterJob';
import { generationJob } from './generateVideo/generationJob';

/** Every kind of TTAPI job this node waits for; a waiting batch names its kind. */
export const JOB_KINDS: JobKinds = {
	[generationJob.name]: generationJob,
	[characterJob.name]: characterJob as unknown as JobKind,
};
