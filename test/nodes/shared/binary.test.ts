import { fileNameFromContentDisposition, mediaType } from '../../../nodes/shared/binary';

describe('fileNameFromContentDisposition', () => {
	it.each([
		[`attachment; filename="Rechnung_M_rz.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf`, 'Rechnung März.pdf'],
		['attachment; filename="invoice 1.pdf"', 'invoice 1.pdf'],
		['attachment; filename=invoice.pdf', 'invoice.pdf'],
		['attachment; filename="say \\"hi\\".txt"', 'say "hi".txt'],
		[`attachment; filename*=utf-8'en'%E2%82%AC%20rates.csv`, '€ rates.csv'],
		// Malformed percent-encoding falls back to the plain name.
		[`attachment; filename="plain.pdf"; filename*=UTF-8''bad%E2.pdf`, 'plain.pdf'],
		// A path cannot lead outside the file name.
		['attachment; filename="../../etc/passwd"', 'passwd'],
		['attachment; filename="C:\\\\docs\\\\a.pdf"', 'a.pdf'],
	])('%s → %s', (header, name) => {
		expect(fileNameFromContentDisposition(header)).toBe(name);
	});

	it('gives nothing when no file is named', () => {
		expect(fileNameFromContentDisposition(undefined)).toBeUndefined();
		expect(fileNameFromContentDisposition('inline')).toBeUndefined();
		expect(fileNameFromContentDisposition('attachment; filename=""')).toBeUndefined();
		expect(fileNameFromContentDisposition('attachment; filename="dir/"')).toBeUndefined();
	});
});

describe('mediaType', () => {
	it('drops parameters and normalises case', () => {
		expect(mediaType('Text/CSV; charset=utf-8')).toBe('text/csv');
		expect(mediaType('application/pdf')).toBe('application/pdf');
		expect(mediaType('')).toBeUndefined();
		expect(mediaType(undefined)).toBeUndefined();
	});
});
