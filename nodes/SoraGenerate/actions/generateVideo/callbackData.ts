import type { IDataObject } from 'n8n-workflow';

import { InputError } from './generationRequest';

export const CALLBACK_DATA_FIELD = 'Callback Data';

/**
 * The largest Callback Data, as JSON in UTF-8. It travels in the callback URL (base64url, 4/3 of
 * its size), so 1 KB keeps the whole hookUrl near 1.5 KB plus your n8n's address: well below the
 * 2 KB that the most cautious proxies and servers accept in a URL, and far below the usual 8 KB.
 * Row numbers, IDs and short labels fit many times over; whole rows do not belong there.
 */
export const MAX_CALLBACK_DATA_BYTES = 1024;

interface CallbackDataField {
	name?: unknown;
	value?: unknown;
}

/** The rows of the Callback Data option as n8n hands them over ({ fields: [{ name, value }] }). */
function fieldsOf(raw: unknown): CallbackDataField[] {
	if (!raw || typeof raw !== 'object') return [];
	const fields = (raw as IDataObject).fields;
	if (Array.isArray(fields)) return fields as CallbackDataField[];
	return fields && typeof fields === 'object' ? [fields as CallbackDataField] : [];
}

/**
 * The user's Callback Data for one item: name → value, values as the expression gave them
 * (numbers, booleans, objects stay what they are; nothing given becomes null). Undefined when the
 * option has no field. Throws an InputError for a field without name, a name given twice, or data
 * over MAX_CALLBACK_DATA_BYTES.
 */
export function readCallbackData(raw: unknown): IDataObject | undefined {
	const fields = fieldsOf(raw);
	if (!fields.length) return undefined;
	const entries: Array<[string, unknown]> = [];
	fields.forEach((field, index) => {
		const name = typeof field.name === 'string' ? field.name.trim() : '';
		if (!name) throw new InputError(CALLBACK_DATA_FIELD, `field ${index + 1} has no name`);
		if (entries.some(([existing]) => existing === name)) {
			throw new InputError(CALLBACK_DATA_FIELD, `the field name "${name}" is used twice`);
		}
		entries.push([name, field.value === undefined ? null : field.value]);
	});
	// fromEntries makes each name an own property, whatever it is called (even "__proto__").
	const data = Object.fromEntries(entries) as IDataObject;
	const bytes = Buffer.byteLength(JSON.stringify(data), 'utf8');
	if (bytes > MAX_CALLBACK_DATA_BYTES) {
		throw new InputError(
			CALLBACK_DATA_FIELD,
			`is ${bytes} bytes as JSON; the limit is ${MAX_CALLBACK_DATA_BYTES} bytes, because it travels in the callback URL. Keep to small values such as a row number or an ID, and look the rest up in the trigger workflow.`,
		);
	}
	return data;
}
