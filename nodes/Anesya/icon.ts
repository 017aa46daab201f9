import type { Icon } from 'n8n-workflow';

/**
 * The Anesya node's icons, relative to Anesya.node.ts: n8n resolves the icons of every version of a
 * versioned node from its entry file, wherever the version's class lives.
 */
export const anesyaIcon: Icon = { light: 'file:anesya.svg', dark: 'file:anesya.dark.svg' };
