import { embeddedTour } from './embedded';

describe("the in-memory README's snippet", () => {
  it('runs the cart and its subscriber embedded', async () => {
    const sales = await embeddedTour();
    expect(sales.units.get('book')).toBe(2);
  });
});
