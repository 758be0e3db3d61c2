import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { inSequence } from 'src/common/http/middleware-sequence';

const req = {} as Request;
const res = {} as Response;

/** Runs the sequence and resolves with what it finally handed to Express's `next`. */
function run(steps: RequestHandler[]): Promise<unknown[]> {
  return new Promise((resolve) => inSequence(steps)(req, res, ((...args: unknown[]) => resolve(args)) as NextFunction));
}

describe(inSequence.name, () => {
  it('runs every step in order, each after the one before calls next, then hands over once', async () => {
    const order: string[] = [];
    const step =
      (name: string, later = false): RequestHandler =>
      (_req, _res, next) => {
        order.push(name);
        if (later) setImmediate(next);
        else next();
      };

    const handedOver = await run([step('drain'), step('log', true), step('headers')]);

    expect(order).toEqual(['drain', 'log', 'headers']);
    expect(handedOver).toEqual([]);
  });

  it('stops at an error passed to next, thrown, or rejected by an async step, and passes it on', async () => {
    const later = jest.fn<void, Parameters<RequestHandler>>((_req, _res, next) => next());
    const failure = new Error('refused');

    expect(await run([(_q, _s, next) => next(failure), later])).toEqual([failure]);
    expect(
      await run([
        () => {
          throw failure;
        },
        later,
      ]),
    ).toEqual([failure]);
    expect(await run([async () => Promise.reject(failure), later])).toEqual([failure]);
    expect(later).not.toHaveBeenCalled();
  });

  it('ends with Express next() at once when there are no steps', async () => {
    expect(await run([])).toEqual([]);
  });
});
