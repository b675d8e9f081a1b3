/**
 * In-memory registries standing in for n8n's LoadNodesAndCredentials: the node types and
 * credential types a single test run may use.
 */
import type {
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';

export type NodeTypeLike = INodeType | IVersionedNodeType | (new () => INodeType | IVersionedNodeType);
export type CredentialTypeLike = ICredentialType | (new () => ICredentialType);

export function instantiate<T extends object>(classOrInstance: T | (new () => T)): T {
	return typeof classOrInstance === 'function' ? new (classOrInstance as new () => T)() : classOrInstance;
}

export function isVersioned(type: INodeType | IVersionedNodeType): type is IVersionedNodeType {
	return 'nodeVersions' in type;
}

export class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(name: string, type: INodeType | IVersionedNodeType) {
		this.types.set(name, type);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type "${nodeType}" in test harness`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		return isVersioned(type) ? type.getNodeType(version) : type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export class TestCredentialTypes implements ICredentialTypes {
	private readonly types = new Map<string, ICredentialType>();

	constructor(types: CredentialTypeLike[] = []) {
		for (const type of types) {
			const instance = instantiate(type);
			this.types.set(instance.name, instance);
		}
	}

	recognizes(credentialType: string): boolean {
		return this.types.has(credentialType);
	}

	getByName(credentialType: string): ICredentialType {
		const type = this.types.get(credentialType);
		if (!type) {
			throw new Error(
				`Unknown credential type "${credentialType}" in test harness: pass it in credentialTypes`,
			);
		}
		return type;
	}

	getSupportedNodes(): string[] {
		return [];
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.types.get(typeName)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}
}
