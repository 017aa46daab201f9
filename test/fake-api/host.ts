/** What the vendor fakes need from the server that hosts them. */
import type { Clock } from './ids';
import type { CompletionScheduler } from './lifecycle';
import type { ResolvedOptions } from './options';
import type { FixedWindowLimiter } from './rate-limit';
import type { DeliveryRecord, JobReadyEvent } from './types';

export interface FakeHost {
	readonly clock: Clock;
	/** Current options (configure() replaces them). */
	readonly options: ResolvedOptions;
	readonly scheduler: CompletionScheduler;
	readonly limiter: FixedWindowLimiter;
	emitJobReady(event: JobReadyEvent): void;
	emitDelivery(record: DeliveryRecord): void;
	emitChange(): void;
}
