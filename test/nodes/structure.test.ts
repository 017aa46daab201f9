// Wiring checks for every action node: a resource/operation value a user can pick always has an
// implementation, each operation's parameters show only under that operation, and every
// operation file is reachable. A typo here fails CI instead of a user's run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeProperties, INodeType } from 'n8n-workflow';

import { Anesya } from '../../nodes/Anesya/Anesya.node';
import { resources as anesyaResources } from '../../nodes/Anesya/actions/router';
import { resources as anesyaV2Resources } from '../../nodes/Anesya/v2/actions/router';
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { resources as anyformatResources } from '../../nodes/Anyformat/actions/router';
import type { Operation } from '../../nodes/shared/router';

const NODES: Array<{ name: string; node: INodeType; resources: Record<string, Record<string, Operation>>; folder: string }> = [
	{ name: 'Anyformat', node: new Anyformat(), resources: anyformatResources, folder: 'nodes/Anyformat/actions' },
	{ name: 'Anesya v1 (API 0.8.1)', node: new Anesya().getNodeType(1), resources: anesyaResources, folder: 'nodes/Anesya/actions' },
	{ name: 'Anesya v2 (API v0)', node: new Anesya().getNodeType(2), resources: anesyaV2Resources, folder: 'nodes/Anesya/v2/actions' },
];

const REPO = join(__dirname, '..', '..');

function optionValues(property: INodeProperties): string[] {
	return (property.options ?? []).map((option) => String((option as { value: unknown }).value));
}

describe.each(NODES)('$name node', ({ node, resources, folder }) => {
	const properties = node.description.properties;
	const resourceProperty = properties.find((p) => p.name === 'resource')!;
	const operationProperties = properties.filter((p) => p.name === 'operation');

	it('offers exactly the resources the router knows', () => {
		expect(optionValues(resourceProperty).sort()).toEqual(Object.keys(resources).sort());
	});

	it('has an implementation for every operation a user can pick, and offers every implemented one', () => {
		for (const resource of Object.keys(resources)) {
			const pickers = operationProperties.filter((p) => p.displayOptions?.show?.resource?.includes(resource));
			expect(pickers).toHaveLength(1);
			const offered = optionValues(pickers[0]);
			expect(offered.sort()).toEqual(Object.keys(resources[resource]).sort());
			for (const operation of offered) {
				const implementation = resources[resource][operation];
				expect(typeof (implementation.execute ?? implementation.executeBatch)).toBe('function');
			}
			expect(offered).toContain(pickers[0].default);
		}
	});

	it("shows each operation's parameters only under its own resource and operation", () => {
		for (const [resource, operations] of Object.entries(resources)) {
			for (const [operation, implementation] of Object.entries(operations)) {
				const description = (implementation as { description?: INodeProperties[] }).description ?? [];
				for (const property of description) {
					expect({ property: property.name, resource: property.displayOptions?.show?.resource }).toEqual({ property: property.name, resource: [resource] });
					expect({ property: property.name, operation: property.displayOptions?.show?.operation }).toEqual({ property: property.name, operation: [operation] });
					expect(properties).toContain(property);
				}
			}
		}
	});

	it('names every operation file after its operation value, and every one is wired', () => {
		for (const resource of readdirSync(join(REPO, folder), { withFileTypes: true }).filter((d) => d.isDirectory())) {
			for (const file of readdirSync(join(REPO, folder, resource.name)).filter((f) => f.endsWith('.operation.ts'))) {
				const operation = file.slice(0, -'.operation.ts'.length);
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const module = require(join(REPO, folder, resource.name, file)) as Operation;
				expect({ file: `${resource.name}/${file}`, wired: resources[resource.name]?.[operation] === module }).toEqual({
					file: `${resource.name}/${file}`,
					wired: true,
				});
			}
		}
	});
});

describe('Anesya versions', () => {
	const anesya = new Anesya();

	it('new nodes get version 2 (API v0); saved workflows of version 1 keep the 0.8.1 node', () => {
		expect(anesya.description.defaultVersion).toBe(2);
		expect(anesya.getNodeType().description.version).toBe(2);
		expect(anesya.getNodeType(1).description.version).toBe(1);
		expect(Object.keys(anesya.nodeVersions).map(Number).sort()).toEqual([1, 2]);
	});

	it('both versions are the same node to n8n: name, icon, credential, usable as a tool', () => {
		for (const version of [1, 2]) {
			const { description } = anesya.getNodeType(version);
			expect(description).toMatchObject({ name: 'anesya', displayName: 'Anesya', icon: anesya.description.icon, usableAsTool: true, defaultVersion: 2 });
			expect(description.credentials).toEqual([{ name: 'anesyaApi', required: true }]);
		}
	});
});
