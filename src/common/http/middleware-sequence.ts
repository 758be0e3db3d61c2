import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Express middlewares run one after another as a single one. The router matches every `app.use` layer against the
 * path and walks its `next` for each on every request; the platform's edge (draining, request ids, security and CORS
 * headers, body parsing, the console and static files) as one layer took `/health` from 0.76–0.78 to 0.78–0.82 of a
 * bare NestJS app on Node 24 (bench:http, alternating runs). Errors end the sequence and go to Express, as the
 * router would send them: passed to `next`, thrown, or a rejected promise returned by an async middleware.
 */
export function inSequence(steps: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    let index = 0;
    const step: NextFunction = (err?: unknown) => {
      if (err !== undefined && err !== null && err !== false) return next(err);
      if (index === steps.length) return next();
      const handler = steps[index++];
      try {
        const result: unknown = handler(req, res, step);
        if (result instanceof Promise)
          result.then(undefined, (error: unknown) => next(error ?? new Error('Rejected promise')));
      } catch (error) {
        next(error);
      }
    };
    step();
  };
}
