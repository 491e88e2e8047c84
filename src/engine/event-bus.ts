// In-process, typed subscription to domain events, emitted after the write
// that produced them has been stored.
import type { DomainEvent, DomainEventType } from '../domain/events.js';

/** A handler for one event type. */
export type EventHandler<T extends DomainEventType> = (event: DomainEvent<T>) => void | Promise<void>;

/** Subscribe to domain events. */
export interface EventSubscriptions {
  /**
   * Call `handler` for every event of `type`. Returns a function that unsubscribes.
   *
   * @example
   * ```ts
   * const off = ff.events.on('shipment.shipped', (e) => console.log(e.data.trackingNumber));
   * off();
   * ```
   */
  on<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void;
  /** Call `handler` for every event. */
  onAny(handler: (event: DomainEvent) => void | Promise<void>): () => void;
}

/** The emitter behind `ff.events`. */
export class EventBus implements EventSubscriptions {
  private readonly handlers = new Map<string, Set<(event: DomainEvent) => void | Promise<void>>>();
  private readonly any = new Set<(event: DomainEvent) => void | Promise<void>>();

  constructor(private readonly onError: (error: unknown, type: string) => void) {}

  on<T extends DomainEventType>(type: T, handler: EventHandler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (event: DomainEvent) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onAny(handler: (event: DomainEvent) => void | Promise<void>): () => void {
    this.any.add(handler);
    return () => this.any.delete(handler);
  }

  /** Deliver events; a failing handler never fails the command that emitted them. */
  emit(events: readonly DomainEvent[]): void {
    for (const event of events) {
      const set = this.handlers.get(event.type);
      if (set) for (const h of set) this.invoke(h, event);
      for (const h of this.any) this.invoke(h, event);
    }
  }

  private invoke(handler: (event: DomainEvent) => void | Promise<void>, event: DomainEvent): void {
    try {
      const result = handler(event);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((err) => this.onError(err, event.type));
      }
    } catch (err) {
      this.onError(err, event.type);
    }
  }
}
