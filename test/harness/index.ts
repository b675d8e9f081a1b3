/**
 * Test harness: runs our node types inside real n8n-core (WorkflowExecute, expressions,
 * credentials `authenticate`, httpRequestWithAuthentication, binary data, cancellation).
 */
export { runNode, NODE_TYPE_PREFIX } from './run-node';
export type { RunNodeOptions, RunNodeResult, RunNodeError } from './run-node';
export { readBinary } from './binary-data';
export type { BinaryMode } from './binary-data';
export { INPUT_NODE_NAME, INPUT_NODE_TYPE } from './input-node';
