import { MAX_CALLBACK_DATA_BYTES, readCallbackData } from '../../nodes/SoraGenerate/actions/generateVideo/callbackData';
import { decodeCallbackPayload, encodeCallbackPayload } from '../../nodes/shared/callbackAuth';
import { inputErrorOf } from './inputError';

const fields = (...pairs: Array<[unknown, unknown]>) => ({ fields: pairs.map(([name, value]) => ({ name, value })) });

describe('readCallbackData', () => {
	it.each([
		['no option', undefined],
		['an empty option', {}],
		['no fields', { fields: [] }],
	])('%s → none', (_name, raw) => {
		expect(readCallbackData(raw)).toBeUndefined();
	});

	it('keeps the values as the expressions gave them: numbers, booleans, null, objects, lists, text', () => {
		const data = readCallbackData(
			fields(['row', 7], ['ok', true], ['none', null], ['missing', undefined], ['meta', { a: [1, 'b'] }], ['tags', ['x', 'y']], [' sheet ', '1AbC'], ['five', '5']),
		);
		expect(data).toEqual({ row: 7, ok: true, none: null, missing: null, meta: { a: [1, 'b'] }, tags: ['x', 'y'], sheet: '1AbC', five: '5' });
	});

	it('a single field given as an object (not a list) is read too', () => {
		expect(readCallbackData({ fields: { name: 'row', value: 3 } })).toEqual({ row: 3 });
	});

	it('a name like "__proto__" is an ordinary field', () => {
		const data = readCallbackData(fields(['__proto__', 1]));
		expect(Object.keys(data!)).toEqual(['__proto__']);
		expect(JSON.parse(JSON.stringify(data))).toEqual(data);
	});

	it.each([
		['a field without name', fields(['', 1]), /Invalid "Callback Data": field 1 has no name/],
		['a name of spaces', fields(['row', 1], ['  ', 2]), /field 2 has no name/],
		['a name that is not text', fields([5, 1]), /field 1 has no name/],
		['a name used twice', fields(['row', 1], [' row', 2]), /the field name "row" is used twice/],
	])('refuses %s', (_name, raw, message) => {
		expect(inputErrorOf(() => readCallbackData(raw)).message).toMatch(message);
	});

	it(`allows ${MAX_CALLBACK_DATA_BYTES} bytes of JSON, and refuses one byte more, naming the field and the limit`, () => {
		// {"n":"…"} is 8 bytes around the value.
		expect(readCallbackData(fields(['n', 'x'.repeat(MAX_CALLBACK_DATA_BYTES - 8)]))).toBeDefined();
		const error = inputErrorOf(() => readCallbackData(fields(['n', 'x'.repeat(MAX_CALLBACK_DATA_BYTES - 7)])));
		expect(error.field).toBe('Callback Data');
		expect(error.message).toBe(
			`Invalid "Callback Data": is ${MAX_CALLBACK_DATA_BYTES + 1} bytes as JSON; the limit is ${MAX_CALLBACK_DATA_BYTES} bytes, because it travels in the callback URL. Keep to small values such as a row number or an ID, and look the rest up in the trigger workflow.`,
		);
	});

	it('counts bytes, not characters (UTF-8)', () => {
		const error = inputErrorOf(() => readCallbackData(fields(['n', 'é'.repeat(600)])));
		expect(error.message).toMatch(/is 1208 bytes as JSON/);
	});
});

describe('callback payload', () => {
	it('round-trips kind and data, typed', () => {
		const payload = { kind: 'character' as const, data: { row: 7, ok: false, label: 'run 3 ü' } };
		const encoded = encodeCallbackPayload(payload);
		expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeCallbackPayload(encoded)).toEqual(payload);
	});

	it.each([
		['not base64url JSON', 'bm9wZQ'],
		['an unknown kind', Buffer.from(JSON.stringify({ kind: 'audio', data: {} })).toString('base64url')],
		['data that is a list', Buffer.from(JSON.stringify({ kind: 'video', data: [] })).toString('base64url')],
		['no data', Buffer.from(JSON.stringify({ kind: 'video' })).toString('base64url')],
	])('reads nothing from %s', (_name, encoded) => {
		expect(decodeCallbackPayload(encoded)).toBeUndefined();
	});
});
