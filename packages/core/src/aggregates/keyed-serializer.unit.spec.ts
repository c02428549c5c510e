import { KeyedSerializer } from './keyed-serializer';

/** A promise to resolve by hand, to hold a task at a known point. */
function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('KeyedSerializer', () => {
  it('runs the tasks of one key one after another, in the order given', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => serializer.run('k', task(name))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('runs tasks of different keys side by side: a held task of one key does not delay another key', async () => {
    const serializer = new KeyedSerializer();
    const held = gate();
    const slow = serializer.run('a', async () => {
      await held.opened;
      return 'a';
    });
    await expect(serializer.run('b', async () => 'b')).resolves.toBe('b');
    held.open();
    await expect(slow).resolves.toBe('a');
  });

  it('runs the next task of a key after one failed, and hands each caller its own outcome', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run('k', async () => {
      throw new Error('first failed');
    });
    const next = serializer.run('k', async () => 'second');
    await expect(failed).rejects.toThrow('first failed');
    await expect(next).resolves.toBe('second');
  });

  it('forgets a key once its queue drains, so memory stays bounded', async () => {
    const serializer = new KeyedSerializer();
    const held = gate();
    const tasks = Array.from({ length: 100 }, (_, i) => serializer.run(`k${i % 10}`, () => held.opened));
    expect(serializer.activeKeys).toBe(10);
    held.open();
    await Promise.all(tasks);
    await new Promise((resolve) => setImmediate(resolve));
    expect(serializer.activeKeys).toBe(0);
  });
});
