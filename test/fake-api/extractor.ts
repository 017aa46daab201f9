/**
 * Deterministic "AI" extraction: values come from `Label: value` / `Label # value` lines and markdown tables in
 * the document text, coerced by data type. Confidence is a pure function of how the value was found
 * (exact label 97, derived/description/fuzzy labels lower, minus penalties for heavy coercion), so some fields
 * land below 80 and review routing can be demonstrated.
 */
import type { EnumOption, Evidence, ExtractedField, ExtractionResult, FakeDocument, FieldDef, FieldResult, JsonSchema } from './types';

// ---------------------------------------------------------------- scores

const SCORE_EXACT = 97;
const SCORE_DERIVED = 93; // "Invoice #" → invoice_number
const SCORE_DESCRIPTION = 85; // label = first words of the field description
const SCORE_DESCRIPTION_ONE_WORD = 78;
const SCORE_FUZZY = 72; // label tokens ⊂ name tokens or the reverse
const SCORE_TABLE_COLUMN = 92;
const SCORE_TABLE_COLUMN_FUZZY = 80;
const PENALTY_LIGHT = 3;
const PENALTY_HEAVY = 10;
const MIN_CONFIDENCE = 35;

// ---------------------------------------------------------------- text model

interface Line {
	text: string;
	page: number;
	index: number;
}

interface LabeledValue {
	/** Normalised label candidates: [direct, ...derived]. */
	labels: string[];
	value: string;
	line: Line;
}

interface DocModel {
	lines: Line[];
	pairs: LabeledValue[];
}

/** snake_case, accents stripped: "Invoice Date" → "invoice_date", "N° TVA" → "n_tva". */
export function normaliseLabel(label: string): string {
	return label
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'le', 'la', 'les', 'de', 'du', 'des']);

export function buildDocModel(text: string): DocModel {
	const lines: Line[] = [];
	text.split('\f').forEach((pageText, p) => {
		for (const raw of pageText.split('\n')) lines.push({ text: raw.trim(), page: p + 1, index: lines.length });
	});
	const pairs: LabeledValue[] = [];
	for (const line of lines) {
		if (!line.text || line.text.startsWith('|')) continue;
		for (const segment of splitSegments(line.text)) parseSegment(segment, line, pairs, 0);
	}
	return { lines, pairs };
}

/** Column gaps (tabs, 2+ spaces) and sentence ends followed by another "Label:" split a line into segments. */
function splitSegments(text: string): string[] {
	return text
		.split(/\t+|\s{2,}/)
		.flatMap((s) => s.split(/(?<=[.;])\s+(?=\p{Lu}[\p{L} ]{0,40}[:#])/u))
		.map((s) => s.trim())
		.filter(Boolean);
}

const PAIR_RE = /^(?:[-*>•]\s+)?(?:\*\*|__)?([\p{L}][^:#|]{0,59}?)(?:\*\*|__)?\s*([:#])\s*(.*)$/u;

function parseSegment(segment: string, line: Line, out: LabeledValue[], depth: number): void {
	const m = PAIR_RE.exec(segment);
	if (!m || depth > 3) return;
	const rawLabel = m[1].replace(/[*_]+$/, '').trim();
	const direct = normaliseLabel(rawLabel);
	if (!direct) return;
	let value = m[3].replace(/^(?:\*\*|__)\s*/, '').replace(/\s*(?:\*\*|__)$/, '').trim();
	const labels = [direct];
	const base = direct.replace(/_(no|nr|num|n)$/, '');
	if (m[2] === '#') {
		// "Invoice #INV-001 from Acme": '#' introduces one identifier token; the rest may hold more pairs.
		const token = /^\S+/.exec(value)?.[0] ?? '';
		const rest = value.slice(token.length).trim();
		value = token.replace(/[.,;]$/, '');
		labels.push(`${direct}_number`, `${direct}_id`);
		if (rest) parseSegment(rest, line, out, depth + 1);
	} else if (base !== direct) {
		labels.push(`${base}_number`, `${base}_id`);
	}
	// French documents (Anesya's home market): "Facture N°" also reads as invoice_number.
	for (const label of [...labels]) {
		const translated = label
			.split('_')
			.map((t) => FRENCH_WORDS[t] ?? t)
			.join('_');
		if (translated !== label && !labels.includes(translated)) labels.push(translated);
	}
	out.push({ labels, value, line });
}

const FRENCH_WORDS: Record<string, string> = {
	facture: 'invoice',
	numero: 'number',
	montant: 'amount',
	devise: 'currency',
	paye: 'paid',
	payee: 'paid',
	fournisseur: 'vendor',
	client: 'customer',
	echeance: 'due',
	emission: 'issue',
	commande: 'order',
	quantite: 'quantity',
	prix: 'price',
	libelle: 'label',
	taux: 'rate',
};

function descriptionLabels(description: string): string[] {
	const words = normaliseLabel(description)
		.split('_')
		.filter((w) => w && !STOP_WORDS.has(w));
	const out: string[] = [];
	for (let k = 1; k <= Math.min(4, words.length); k++) out.push(words.slice(0, k).join('_'));
	return out;
}

function tokensSubset(a: string, b: string): boolean {
	const as = a.split('_').filter(Boolean);
	const bs = new Set(b.split('_').filter(Boolean));
	return as.length > 0 && as.every((t) => bs.has(t));
}

interface Candidate {
	pair: LabeledValue;
	score: number;
}

/** Candidate lines for a field, best first (then document order). */
function candidatesFor(model: DocModel, field: FieldDef, aliases: string[], claimed: Set<number>, exactOnly: boolean): Candidate[] {
	const name = normaliseLabel(field.name);
	const exactNames = new Set([name, ...aliases.map(normaliseLabel)]);
	const descLabels = descriptionLabels(field.description ?? '');
	const out: Candidate[] = [];
	for (const pair of model.pairs) {
		let score = 0;
		if (exactNames.has(pair.labels[0])) score = SCORE_EXACT;
		else if (pair.labels.slice(1).some((l) => exactNames.has(l))) score = SCORE_DERIVED;
		else if (!exactOnly && !claimed.has(pair.line.index)) {
			const descIndex = descLabels.lastIndexOf(pair.labels[0]);
			if (descIndex > 0) score = SCORE_DESCRIPTION;
			else if (descIndex === 0) score = SCORE_DESCRIPTION_ONE_WORD;
			else if (tokensSubset(pair.labels[0], name) || tokensSubset(name, pair.labels[0])) score = SCORE_FUZZY;
		}
		if (score > 0) out.push({ pair, score });
	}
	return out.sort((a, b) => b.score - a.score || a.pair.line.index - b.pair.line.index);
}

// ---------------------------------------------------------------- public API

export function emptyField(): ExtractedField {
	return { value: null, confidence: null, evidence: [], value_override: null, verification_status: 'not_verified' };
}

function evidenceOf(line: Line): Evidence[] {
	return [{ text: line.text, page_number: line.page }];
}

/** Built-in anyformat extractor: one entry per workflow field. */
export function extractFields(document: FakeDocument, fields: FieldDef[]): ExtractionResult {
	const model = buildDocModel(document.text);
	const result: ExtractionResult = {};
	const claimed = new Set<number>();
	// Pass 1: exact labels claim their lines, so fuzzy matches of other fields cannot steal them.
	const exact = new Map<string, FieldResult>();
	for (const field of fields) {
		if (field.data_type === 'object') continue;
		const found = findScalar(model, field, [], claimed, true);
		if (found) {
			exact.set(field.name, found.field);
			claimed.add(found.lineIndex);
		}
	}
	for (const field of fields) {
		if (field.data_type === 'object') result[field.name] = extractTable(model, field);
		else result[field.name] = exact.get(field.name) ?? extractScalar(model, field, [], claimed, false);
	}
	return result;
}

export function extractScalar(model: DocModel, field: FieldDef, aliases: string[], claimed: Set<number>, exactOnly: boolean): ExtractedField {
	return findScalar(model, field, aliases, claimed, exactOnly)?.field ?? emptyField();
}

function findScalar(
	model: DocModel,
	field: FieldDef,
	aliases: string[],
	claimed: Set<number>,
	exactOnly: boolean,
): { field: ExtractedField; lineIndex: number } | undefined {
	for (const candidate of candidatesFor(model, field, aliases, claimed, exactOnly)) {
		const coerced = coerce(candidate.pair.value, field);
		if (!coerced) continue;
		const extracted: ExtractedField = {
			value: coerced.value,
			confidence: Math.max(MIN_CONFIDENCE, candidate.score - coerced.penalty),
			evidence: evidenceOf(candidate.pair.line),
			value_override: null,
			verification_status: 'not_verified',
		};
		if (coerced.unit) extracted.value_unit = coerced.unit;
		return { field: extracted, lineIndex: candidate.pair.line.index };
	}
	return undefined;
}

/** Rows of a markdown table that follows a heading/label line naming the field; [] when there is none. */
export function extractTable(model: DocModel, field: FieldDef): Array<Record<string, ExtractedField>> {
	const name = normaliseLabel(field.name);
	const descLabels = descriptionLabels(field.description ?? '');
	const nested = field.nested_fields ?? [];
	let best: { start: number; score: number } | undefined;
	for (const line of model.lines) {
		if (!line.text || line.text.startsWith('|')) continue;
		const heading = normaliseLabel(line.text.replace(/^#+\s*/, '').replace(/[:*_]+\s*$/, '').replace(/^\*\*|\*\*$/g, ''));
		let score = 0;
		if (heading === name) score = 3;
		else if (descLabels.includes(heading)) score = 2;
		else if (heading && (tokensSubset(heading, name) || tokensSubset(name, heading))) score = 1;
		if (score === 0) continue;
		const start = nextTableStart(model, line.index);
		if (start !== undefined && (!best || score > best.score)) best = { start, score };
	}
	if (!best) return [];

	const tableLines: Line[] = [];
	for (let i = best.start; i < model.lines.length && model.lines[i].text.startsWith('|'); i++) tableLines.push(model.lines[i]);
	const [headerLine, ...rest] = tableLines;
	if (!headerLine) return [];
	const headers = splitRow(headerLine.text).map(normaliseLabel);
	const columns = nested.map((nf) => {
		const n = normaliseLabel(nf.name);
		const exactCol = headers.indexOf(n);
		if (exactCol !== -1) return { index: exactCol, score: SCORE_TABLE_COLUMN };
		const desc = descriptionLabels(nf.description ?? '');
		const fuzzy = headers.findIndex((h) => h && (desc.includes(h) || tokensSubset(h, n) || tokensSubset(n, h)));
		return { index: fuzzy, score: SCORE_TABLE_COLUMN_FUZZY };
	});
	const rows: Array<Record<string, ExtractedField>> = [];
	for (const rowLine of rest) {
		if (/^\|?\s*:?-{2,}/.test(rowLine.text)) continue; // separator row
		const cells = splitRow(rowLine.text);
		const row: Record<string, ExtractedField> = {};
		nested.forEach((nf, i) => {
			const col = columns[i];
			const cell = col.index >= 0 ? (cells[col.index] ?? '').trim() : '';
			const coerced = cell ? coerce(cell, nf) : undefined;
			row[nf.name] = coerced
				? {
						value: coerced.value,
						confidence: Math.max(MIN_CONFIDENCE, col.score - coerced.penalty),
						evidence: evidenceOf(rowLine),
						value_override: null,
						verification_status: 'not_verified',
					}
				: emptyField();
		});
		rows.push(row);
	}
	return rows;
}

function nextTableStart(model: DocModel, headingIndex: number): number | undefined {
	for (let i = headingIndex + 1; i < Math.min(model.lines.length, headingIndex + 4); i++) {
		const text = model.lines[i].text;
		if (text.startsWith('|')) return i;
		if (text) return undefined;
	}
	return undefined;
}

function splitRow(text: string): string[] {
	return text
		.replace(/^\|/, '')
		.replace(/\|\s*$/, '')
		.split('|')
		.map((c) => c.trim());
}

/** `<DOCUMENT>` markdown as anyformat's parse step returns it, one block per page. */
export function renderMarkdown(document: FakeDocument): string {
	return document.text
		.split('\f')
		.map((page, i) => `<DOCUMENT id="1" page="${i + 1}">\n${page.trim()}\n</DOCUMENT>`)
		.join('\n');
}

// ---------------------------------------------------------------- Anesya (JSON schema → plain JSON)

/** Plain extracted_data for an Anesya JSON schema (no confidences: Anesya does not return any). */
export function extractForJsonSchema(document: FakeDocument, schema: JsonSchema): unknown {
	const model = buildDocModel(document.text);
	return valueForSchema(model, '', schema, []);
}

function valueForSchema(model: DocModel, name: string, prop: JsonSchema, aliases: string[]): unknown {
	if (prop.type === 'object' || (!prop.type && prop.properties)) {
		const out: Record<string, unknown> = {};
		for (const [child, childProp] of Object.entries(prop.properties ?? {})) {
			out[child] = valueForSchema(model, child, childProp, name ? [`${name}_${child}`] : []);
		}
		return out;
	}
	if (prop.type === 'array') {
		const items = prop.items ?? { type: 'string' };
		if (items.type === 'object' || items.properties) {
			const field: FieldDef = {
				name,
				description: prop.description ?? '',
				data_type: 'object',
				nested_fields: Object.entries(items.properties ?? {}).map(([n, p]) => jsonPropToField(n, p)),
			};
			return extractTable(model, field).map((row) => Object.fromEntries(Object.entries(row).map(([k, f]) => [k, f.value])));
		}
		const listField: FieldDef = { name, description: prop.description ?? '', data_type: 'list' };
		const found = extractScalar(model, listField, aliases, new Set(), false);
		if (!Array.isArray(found.value)) return [];
		const itemField = jsonPropToField(name, items);
		return (found.value as string[]).map((v) => coerce(v, itemField)?.value ?? null).filter((v) => v !== null);
	}
	const field = jsonPropToField(name, prop);
	return extractScalar(model, field, aliases, new Set(), false).value;
}

export function jsonPropToField(name: string, prop: JsonSchema): FieldDef {
	const description = prop.description ?? '';
	if (Array.isArray(prop.enum)) {
		const descs = Array.isArray(prop['context:descriptions']) ? (prop['context:descriptions'] as unknown[]) : [];
		return {
			name,
			description,
			data_type: 'enum',
			enum_options: prop.enum.map((e, i) => ({ name: String(e), description: typeof descs[i] === 'string' ? (descs[i] as string) : undefined })),
		};
	}
	const byType: Record<string, FieldDef['data_type']> = { number: 'float', integer: 'integer', boolean: 'boolean', string: 'string' };
	let dataType = byType[prop.type ?? 'string'] ?? 'string';
	if (dataType === 'string' && prop.format === 'date') dataType = 'date';
	if (dataType === 'string' && prop.format === 'date-time') dataType = 'datetime';
	return { name, description, data_type: dataType };
}

// ---------------------------------------------------------------- coercion

interface Coerced {
	value: unknown;
	penalty: number;
	unit?: string;
}

export function coerce(raw: string, field: FieldDef): Coerced | undefined {
	const value = raw
		.trim()
		.replace(/^["“](.*)["”]$/, '$1')
		.trim();
	if (!value) return undefined;
	switch (field.data_type) {
		case 'string':
			return { value, penalty: 0 };
		case 'integer': {
			const n = parseNumber(value);
			if (!n) return undefined;
			return Number.isInteger(n.value) ? n : { ...n, value: Math.round(n.value as number), penalty: n.penalty + PENALTY_HEAVY };
		}
		case 'float':
			return parseNumber(value);
		case 'date':
			return parseDate(value);
		case 'datetime':
			return parseDateTime(value);
		case 'boolean':
			return parseBoolean(value);
		case 'enum':
			return matchEnum(value, field.enum_options ?? []);
		case 'multi_select': {
			const matches = splitList(value)
				.map((v) => matchEnum(v, field.enum_options ?? []))
				.filter((m): m is Coerced => m !== undefined);
			if (!matches.length) return undefined;
			const values = [...new Set(matches.map((m) => m.value))];
			return { value: values, penalty: Math.max(...matches.map((m) => m.penalty)) };
		}
		case 'list': {
			const items = splitList(value);
			return items.length ? { value: items, penalty: 0 } : undefined;
		}
		default:
			return { value, penalty: 0 };
	}
}

function splitList(value: string): string[] {
	return value
		.split(/\s*[,;]\s*|\s+(?:and|et)\s+/)
		.map((s) => s.trim())
		.filter(Boolean);
}

const CURRENCIES: Array<[RegExp, string]> = [
	[/\$|\bUSD\b/i, 'USD'],
	[/€|\bEUR\b/i, 'EUR'],
	[/£|\bGBP\b/i, 'GBP'],
	[/¥|\bJPY\b/i, 'JPY'],
	[/\bCHF\b/i, 'CHF'],
	[/\bCAD\b/i, 'CAD'],
];

/** "1,250.00", "$1,250.00", "1.250,00 €", "(42)" → number; heavier penalty when symbols or words were dropped. */
export function parseNumber(raw: string): Coerced | undefined {
	let penalty = 0;
	let unit: string | undefined;
	for (const [re, code] of CURRENCIES) {
		if (re.test(raw)) {
			unit = code;
			penalty = PENALTY_HEAVY;
			break;
		}
	}
	const negative = /^\(.*\)$/.test(raw.trim()) || /^-|-\s*[$€£]|^[$€£]\s*-/.test(raw.trim());
	const compact = raw.replace(/(\d)[\s\u00a0\u202f'](?=\d{3}\b)/g, '$1');
	const m = /\d[\d.,]*/.exec(compact);
	if (!m) return undefined;
	let num = m[0].replace(/[.,]$/, '');
	const leftover = compact.replace(m[0], '').replace(/[\s$€£¥()+-]|USD|EUR|GBP|JPY|CHF|CAD/gi, '');
	if (leftover.length > 0) penalty += PENALTY_HEAVY;
	const lastComma = num.lastIndexOf(',');
	const lastDot = num.lastIndexOf('.');
	if (lastComma !== -1 && lastDot !== -1) {
		const decimal = lastComma > lastDot ? ',' : '.';
		num = num.split(decimal === ',' ? '.' : ',').join('').replace(',', '.');
		penalty = Math.max(penalty, PENALTY_LIGHT);
	} else if (lastComma !== -1) {
		if (/^\d{1,3}(,\d{3})+$/.test(num)) num = num.replace(/,/g, '');
		else num = num.replace(/,/g, '.');
		penalty = Math.max(penalty, PENALTY_LIGHT);
	} else if (/^\d{1,3}(\.\d{3}){2,}$/.test(num)) {
		num = num.replace(/\./g, '');
		penalty = Math.max(penalty, PENALTY_LIGHT);
	}
	const value = Number(num);
	if (!Number.isFinite(value)) return undefined;
	return { value: negative ? -value : value, penalty, unit };
}

const MONTHS: Record<string, number> = {
	jan: 1, january: 1, janvier: 1, feb: 2, february: 2, fevrier: 2, mar: 3, march: 3, mars: 3, apr: 4, april: 4, avril: 4,
	may: 5, mai: 5, jun: 6, june: 6, juin: 6, jul: 7, july: 7, juillet: 7, aug: 8, august: 8, aout: 8, sep: 9, sept: 9,
	september: 9, septembre: 9, oct: 10, october: 10, octobre: 10, nov: 11, november: 11, novembre: 11, dec: 12,
	december: 12, decembre: 12,
};

function isoDate(y: number, m: number, d: number): string | undefined {
	if (y < 100) y += y < 70 ? 2000 : 1900;
	const date = new Date(Date.UTC(y, m - 1, d));
	if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
	return date.toISOString().slice(0, 10);
}

/**
 * Common date formats → YYYY-MM-DD. Ambiguous numeric dates (both parts ≤ 12) are read day-first, as European
 * invoices (and Anesya's French examples such as 25/11/2024) write them, with a heavy penalty.
 */
export function parseDate(raw: string): Coerced | undefined {
	const s = raw
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.trim();
	let m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])/.exec(s);
	if (m) {
		const v = isoDate(+m[1], +m[2], +m[3]);
		return v ? { value: v, penalty: s.length > 10 ? PENALTY_LIGHT : 0 } : undefined;
	}
	m = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b/.exec(s);
	if (m) {
		const v = isoDate(+m[1], +m[2], +m[3]);
		return v ? { value: v, penalty: PENALTY_LIGHT } : undefined;
	}
	m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b/.exec(s);
	if (m) {
		const a = +m[1];
		const b = +m[2];
		const y = +m[3];
		if (a > 12 && b <= 12) return wrap(isoDate(y, b, a), PENALTY_LIGHT);
		if (b > 12 && a <= 12) return wrap(isoDate(y, a, b), PENALTY_LIGHT);
		return wrap(isoDate(y, b, a), PENALTY_HEAVY);
	}
	m = /^(\d{1,2})(?:st|nd|rd|th|er)?[\s-]+([a-z]+)\.?[\s-]+(\d{2,4})\b/i.exec(s);
	if (m && MONTHS[m[2].toLowerCase()]) return wrap(isoDate(+m[3], MONTHS[m[2].toLowerCase()], +m[1]), PENALTY_HEAVY);
	m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/i.exec(s);
	if (m && MONTHS[m[1].toLowerCase()]) return wrap(isoDate(+m[3], MONTHS[m[1].toLowerCase()], +m[2]), PENALTY_HEAVY);
	return undefined;
}

function wrap(value: string | undefined, penalty: number): Coerced | undefined {
	return value ? { value, penalty } : undefined;
}

/** ISO 8601 in UTC (2024-03-15T10:30:00Z); a bare date becomes midnight UTC with a heavy penalty. */
export function parseDateTime(raw: string): Coerced | undefined {
	const s = raw.trim();
	const iso = /^(\d{4}-\d{2}-\d{2})[T\s](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
	if (iso) {
		const zone = iso[5] ? (iso[5].toUpperCase() === 'Z' ? 'Z' : iso[5].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
		const ms = Date.parse(`${iso[1]}T${iso[2]}:${iso[3]}:${iso[4] ?? '00'}${zone}`);
		if (Number.isNaN(ms)) return undefined;
		const penalty = iso[5] && s.includes('T') ? 0 : PENALTY_LIGHT;
		return { value: new Date(ms).toISOString().replace(/\.000Z$/, 'Z'), penalty };
	}
	const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?/i.exec(s);
	const date = parseDate(time ? s.slice(0, time.index).trim() : s);
	if (!date) return undefined;
	let hours = time ? +time[1] : 0;
	if (time?.[4]?.toLowerCase() === 'pm' && hours < 12) hours += 12;
	if (time?.[4]?.toLowerCase() === 'am' && hours === 12) hours = 0;
	const hh = String(hours).padStart(2, '0');
	const mm = time ? time[2] : '00';
	const ss = time?.[3] ?? '00';
	return { value: `${date.value as string}T${hh}:${mm}:${ss}Z`, penalty: PENALTY_HEAVY };
}

export function parseBoolean(raw: string): Coerced | undefined {
	const s = raw.trim().toLowerCase().replace(/[.!]$/, '');
	if (s === 'true' || s === 'false') return { value: s === 'true', penalty: 0 };
	if (['yes', 'y', 'oui', 'x', '✓', '✔', 'checked', '1'].includes(s)) return { value: true, penalty: PENALTY_LIGHT };
	if (['no', 'n', 'non', 'unchecked', '0', '-'].includes(s)) return { value: false, penalty: PENALTY_LIGHT };
	return undefined;
}

export function matchEnum(raw: string, options: EnumOption[]): Coerced | undefined {
	const value = raw.trim();
	const exact = options.find((o) => o.name === value);
	if (exact) return { value: exact.name, penalty: 0 };
	const norm = normaliseLabel(value);
	const loose = options.find((o) => normaliseLabel(o.name) === norm);
	if (loose) return { value: loose.name, penalty: PENALTY_LIGHT };
	const lower = value.toLowerCase();
	const partial = options.find(
		(o) =>
			new RegExp(`(^|[^a-z0-9])${escapeRegExp(o.name.toLowerCase())}([^a-z0-9]|$)`).test(lower) ||
			(o.description !== undefined && o.description.toLowerCase() === lower),
	);
	if (partial) return { value: partial.name, penalty: PENALTY_HEAVY + 5 };
	return undefined;
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
