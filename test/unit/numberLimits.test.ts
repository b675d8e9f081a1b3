import type { INodeProperties } from 'n8n-workflow';

import { SoraGenerate } from '../../nodes/SoraGenerate/SoraGenerate.node';
import { NUMBER_LIMITS } from '../../nodes/SoraGenerate/actions/generateVideo/waitSettings';

/** Every number field of the node, inside collections too. */
function numberFields(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const nested = (property.options ?? []).filter((option): option is INodeProperties => 'type' in option && 'displayName' in option);
		return [...(property.type === 'number' ? [property] : []), ...numberFields(nested)];
	});
}

describe('number fields: what the editor allows is what the node accepts', () => {
	const fields = numberFields(new SoraGenerate().description.properties);

	it('finds the number fields', () => {
		expect(new Set(fields.map((field) => field.name))).toEqual(new Set(Object.keys(NUMBER_LIMITS)));
	});

	it.each(fields.map((field) => [field.name, field] as const))('%s: minValue/maxValue equal the limits the node enforces', (name, field) => {
		const limits: { min: number; max?: number } = NUMBER_LIMITS[name as keyof typeof NUMBER_LIMITS];
		expect({ min: field.typeOptions?.minValue, max: field.typeOptions?.maxValue }).toEqual({ min: limits.min, max: limits.max });
	});
});
