import { TimeSlice } from 'src/common/threads/time-slice';

describe(TimeSlice.name, () => {
  it('lets work already waiting on the event loop run once its slice is used up', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('waiting work'));

    await new TimeSlice(0).yieldIfDue();
    order.push('after the yield');

    expect(order).toEqual(['waiting work', 'after the yield']);
  });

  it('goes on at once while its slice lasts', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('waiting work'));

    await new TimeSlice(60_000).yieldIfDue();
    order.push('after the check');

    expect(order).toEqual(['after the check']);
  });
});
