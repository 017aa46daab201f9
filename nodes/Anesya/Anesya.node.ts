import { VersionedNodeType } from 'n8n-workflow';

import { AnesyaV1 } from './v1/AnesyaV1.node';
import { AnesyaV2 } from './v2/AnesyaV2.node';
import { ANESYA_DEFAULT_VERSION } from './versioning';

/**
 * Anesya has two API generations. Workflows store the node version, so version 1 keeps the 0.8.1
 * operations of saved workflows exactly as they were, and new nodes get version 2, which speaks v0
 * (documents, parsing, extract). The credential's API Generation must match (see transport).
 */
export class Anesya extends VersionedNodeType {
	constructor() {
		const latest = new AnesyaV2();
		const { displayName, name, icon, group, description } = latest.description;
		super({ 1: new AnesyaV1(), 2: latest }, { displayName, name, icon, group, description, defaultVersion: ANESYA_DEFAULT_VERSION, usableAsTool: true });
	}
}
