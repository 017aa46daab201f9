/** Thrown by the programmatic helpers for ids that do not exist (the control API maps it to 404). */
export class UnknownResourceError extends Error {}
