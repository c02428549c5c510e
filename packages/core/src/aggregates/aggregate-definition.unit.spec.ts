import { InMemoryEventStore } from '@eventloom/in-memory';
import { Event } from '../typing/event';
import { InvalidDefinitionError, MissingApplierError, MissingCommandHandlerError } from '../errors';
import { AggregateRepository } from './aggregate-repository';
import { Aggregate, Apply, CommandHandler, Process } from './decorators';

@Event('DefinitionLampLit')
class LampLit {}
@Event('DefinitionLampBroken')
class LampBroken {}
class Light {}
class Break {}
class Polish {}
class Dim {}
class Flicker {}
class Describe {}

@Aggregate('DefinitionLamp')
class Lamp {
  lit = false;
  @CommandHandler(Light) light(_command: Light) {
    return new LampLit();
  }
  // Decides an event the lamp has no applier for: a definition mistake, reported as such.
  @CommandHandler(Break) break(_command: Break) {
    return new LampBroken();
  }
  @CommandHandler(Dim) async dim(_command: Dim) {
    return new LampLit();
  }
  @CommandHandler(Flicker) async flicker(_command: Flicker): Promise<LampLit> {
    throw new Error('bulb gone');
  }
  @CommandHandler(Describe) describe(_command: Describe) {
    return [new LampLit(), 'lit'];
  }
  @Apply(LampLit) lamped(_event: LampLit) {
    this.lit = true;
  }
}

describe('aggregate definitions', () => {
  const repository = () => new AggregateRepository(new InMemoryEventStore());

  it('names the missing applier and how to add it, writing nothing', async () => {
    const repo = repository();
    const failure = repo.create(Lamp, new Break(), { id: 'lamp-1' });
    await expect(failure).rejects.toBeInstanceOf(MissingApplierError);
    await expect(failure).rejects.toThrow(/DefinitionLamp has no applier for event 'DefinitionLampBroken'.*@Apply\(DefinitionLampBroken\)/);
    await expect(repo.findOptional(Lamp, 'lamp-1')).resolves.toBeUndefined();
  });

  it('names the missing command handler', async () => {
    await expect(repository().create(Lamp, new Polish())).rejects.toBeInstanceOf(MissingCommandHandlerError);
    await expect(repository().create(Lamp, new Polish())).rejects.toThrow(/@CommandHandler\(Polish\)/);
  });

  it('refuses an asynchronous command handler with a reason', async () => {
    await expect(repository().create(Lamp, new Dim())).rejects.toThrow(InvalidDefinitionError);
    await expect(repository().create(Lamp, new Dim())).rejects.toThrow(/returned a Promise/);
  });

  it('refuses an asynchronous command handler that rejects, leaving no unhandled rejection behind', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      await expect(repository().create(Lamp, new Flicker())).rejects.toThrow(/Lamp\.flicker returned a Promise/);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
  });

  it('refuses a command handler that returns something other than an event, naming it', async () => {
    await expect(repository().create(Lamp, new Describe())).rejects.toThrow(
      'DefinitionLamp.describe returned a string (lit), which is not an event. A command handler returns instances of @Event classes: one, an array, or nothing.',
    );
  });

  it('keeps @Process as an alias of @CommandHandler for one version', () => {
    expect(Process).toBe(CommandHandler);
  });

  it('refuses a class that is not an aggregate', async () => {
    class NotAnAggregate {}
    await expect(repository().create(NotAnAggregate, new Light())).rejects.toThrow(/@Aggregate\('NotAnAggregate'\)/);
  });
});
