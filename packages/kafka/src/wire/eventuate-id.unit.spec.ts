import { randomUUID } from 'node:crypto';
import { newId } from '@eventloom/core/spi';
import { fromEventuateId, toEventuateId } from './eventuate-id';

describe("event ids in Eventuate's Int128 text form", () => {
  it('writes the 32 hex digits of a UUID as two halves of 16, and reads them back exactly', () => {
    expect(toEventuateId('0190a5f2-0000-7000-8000-000000000001')).toBe('0190a5f200007000-8000000000000001');
    expect(fromEventuateId('0190a5f200007000-8000000000000001')).toBe('0190a5f2-0000-7000-8000-000000000001');
    for (let i = 0; i < 200; i++) {
      const id = i % 2 ? newId() : randomUUID().toUpperCase();
      expect(toEventuateId(id)).toMatch(/^[0-9a-fA-F]{16}-[0-9a-fA-F]{16}$/);
      expect(fromEventuateId(toEventuateId(id))).toBe(id);
    }
  });

  it("keeps the order: ids compare as text as the numbers they write, in both forms", () => {
    const ids = Array.from({ length: 300 }, () => newId());
    const wire = ids.map(toEventuateId);
    expect([...wire].sort()).toEqual([...ids].sort().map(toEventuateId));
    const eventuate = ['000001a222b0596d-02fc000000010000', '000001a222b0596d-02fc000000020000', '000001a222b0596e-0000000000000000'];
    const read = eventuate.map(fromEventuateId);
    expect([...read].sort()).toEqual(read);
    expect(read.map(toEventuateId)).toEqual(eventuate);
  });

  it('leaves any other id as it is, both ways', () => {
    for (const id of ['e-1', 'kafka:t/0@1', '']) {
      expect(toEventuateId(id)).toBe(id);
      expect(fromEventuateId(id)).toBe(id);
    }
  });
});
