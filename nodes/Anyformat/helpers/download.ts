/** Last path segment, so a name sent as "a/b.pdf" cannot point outside where n8n stores it. */
function baseName(name: string): string {
	return name.split(/[/\\]/).pop()!.trim();
}

/**
 * File name from a Content-Disposition header (RFC 6266): the UTF-8 `filename*` form when present,
 * else `filename` (quoted or not). Undefined when the header names no file.
 */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		const decoded = (() => {
			try {
				return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
			} catch {
				// Malformed percent-encoding: fall back to the plain filename parameter.
				return undefined;
			}
		})();
		if (decoded && baseName(decoded)) return baseName(decoded);
	}
	const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
	const value = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
	return value && baseName(value) ? baseName(value) : undefined;
}

/** "text/csv; charset=utf-8" → "text/csv". */
export function mediaType(contentType: string | undefined): string | undefined {
	const type = contentType?.split(';')[0].trim().toLowerCase();
	return type || undefined;
}
