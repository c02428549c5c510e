import { InMemoryEventStore } from '@eventloom/in-memory';
import { Event } from '../typing/event';
import { InvalidDefinitionError, MissingApplierError, MissingCommandHandlerError } from '../errors';
import { AggregateRepository } from './aggregate-repository';
import { Aggregate, Apply, CommandHandler } from './decorators';

@Event('DefinitionLampLit')
class LampLit {}
@Event('DefinitionLampBroken')
class LampBroken {}
class Light {}
class Break {}
class Polish {}
class Dim {}

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

  it('refuses a class that is not an aggregate', async () => {
    class NotAnAggregate {}
    await expect(repository().create(NotAnAggregate, new Light())).rejects.toThrow(/@Aggregate\('NotAnAggregate'\)/);
  });
});
