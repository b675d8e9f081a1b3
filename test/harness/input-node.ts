/**
 * The test-only upstream node: it has no inputs and emits the given items. The items are captured
 * in the instance (not in node parameters), so strings in them are never taken for expressions.
 */
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

export const INPUT_NODE_TYPE = 'test.input';
export const INPUT_NODE_NAME = 'Test Input';

export function createInputNodeType(items: Array<IDataObject | INodeExecutionData>): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Test Input',
		name: 'input',
		group: ['input'],
		version: 1,
		description: 'Emits the test input items',
		defaults: { name: INPUT_NODE_NAME },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	return {
		description,
		async execute() {
			return [items.map(toExecutionData)];
		},
	};
}

/** Plain objects become `{ json }`; objects that already have `json` are used as they are. */
function toExecutionData(item: IDataObject | INodeExecutionData): INodeExecutionData {
	const data: INodeExecutionData =
		'json' in item && typeof item.json === 'object' && item.json !== null
			? { ...(item as INodeExecutionData) }
			: { json: structuredClone(item as IDataObject) };
	data.pairedItem ??= { item: 0 }; // every item comes from the one (empty) start item
	return data;
}
