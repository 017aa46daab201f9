import type { Icon, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * What every version of the Anesya node shares. Icon paths are relative to Anesya.node.ts: n8n
 * resolves the icons of every version of a versioned node from its entry file.
 */
export const anesyaIcon: Icon = { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' };

/** The version new nodes get: 2, Anesya API v0. Workflows saved with version 1 keep 0.8.1. */
export const ANESYA_DEFAULT_VERSION = 2;

/**
 * The description fields both versions have alike; each adds its name, version and parameters (and
 * what the lint rules want to read in the class itself: subtitle, usableAsTool).
 */
export const anesyaVersionDescription = {
	description: 'Extract structured data from documents with Anesya',
	defaultVersion: ANESYA_DEFAULT_VERSION,
	defaults: { name: 'Anesya' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'anesyaApi', required: true }],
} satisfies Partial<INodeTypeDescription>;
