import { InvalidDefinitionError } from '../errors';

/**
 * The names event and aggregate types go by on the wire, where another system
 * reads them under its own names (Eventuate reads an event type as a Java class
 * name, and an aggregate type as one too, which is also its topic). A type
 * without a wire name goes by its own name. Declared with the `wireName`
 * option of @Event and @Aggregate; process-wide, like the type registry.
 */
export class WireNames {
  private readonly events = new NameMap('event');
  private readonly aggregates = new NameMap('aggregate');

  nameEvent(type: string, wireName: string): void {
    this.events.set(type, wireName);
  }

  nameAggregate(type: string, wireName: string): void {
    this.aggregates.set(type, wireName);
  }

  eventOnWire(type: string): string {
    return this.events.toWire.get(type) ?? type;
  }

  /** Our type name of a wire name; a name nobody declared is taken as is. */
  eventFromWire(wireName: string): string {
    return this.events.fromWire.get(wireName) ?? wireName;
  }

  aggregateOnWire(type: string): string {
    return this.aggregates.toWire.get(type) ?? type;
  }

  aggregateFromWire(wireName: string): string {
    return this.aggregates.fromWire.get(wireName) ?? wireName;
  }
}

class NameMap {
  readonly toWire = new Map<string, string>();
  readonly fromWire = new Map<string, string>();

  constructor(private readonly kind: string) {}

  set(type: string, wireName: string): void {
    if (typeof wireName !== 'string' || wireName.length === 0) {
      throw new InvalidDefinitionError(`The wireName of ${this.kind} type '${type}' must be a non-empty string.`);
    }
    const taken = this.fromWire.get(wireName);
    if (taken !== undefined && taken !== type) {
      throw new InvalidDefinitionError(
        `Wire name '${wireName}' is given to ${this.kind} types '${taken}' and '${type}'; a wire name must name one type, or readers could not tell them apart.`,
      );
    }
    const previous = this.toWire.get(type);
    if (previous !== undefined && previous !== wireName) {
      throw new InvalidDefinitionError(`${this.kind} type '${type}' is given two wire names ('${previous}' and '${wireName}').`);
    }
    this.toWire.set(type, wireName);
    this.fromWire.set(wireName, type);
  }
}

export const wireNames = new WireNames();
