// Figures a test measures (timings, request counts) are printed only with TEST_VERBOSE=1, so a green
// `npm test` shows jest's summary and nothing else; a failing assertion prints its own message either way.
export const VERBOSE = process.env.TEST_VERBOSE === '1';

/** Prints a line of measured figures when TEST_VERBOSE=1. */
export function report(text: string): void {
	if (VERBOSE) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
