'use strict';
// What a caller outside n8n sends TTAPI: the tests and scripts use it to make jobs the nodes did
// not submit (another workflow's jobs, jobs whose callbacks a trigger receives).

/** Submits one Sora 2 video to the simulator (or TTAPI) at `baseUrl`; returns its job ID. */
async function submitVideo(baseUrl, { apiKey, prompt, hookUrl }) {
	const response = await fetch(`${baseUrl}/sora/generations`, {
		method: 'POST',
		headers: { 'TT-API-KEY': apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({ model: 'sora-2', prompt, ...(hookUrl ? { hookUrl } : {}) }),
	});
	const body = await response.json();
	if (!body?.data?.job_id) throw new Error(`the simulator refused a job (HTTP ${response.status}): ${JSON.stringify(body)}`);
	return body.data.job_id;
}

module.exports = { submitVideo };
