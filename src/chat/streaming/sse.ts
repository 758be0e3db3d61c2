import type { Response } from 'express';

import type { ChatStreamEvent } from 'src/chat/chat-turn.types';

/**
 * Writes Server-Sent Events. The events are drained to the end even if the client went away, because the turn
 * keeps running (and persisting) regardless; only the writes stop.
 */
export async function writeSse(res: Response, events: AsyncIterable<ChatStreamEvent>): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  // Reverse proxies (nginx) buffer responses by default, which would hold every delta until the end.
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  for await (const e of events) {
    if (res.writableEnded || res.destroyed) continue;
    res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
  }
  if (!res.writableEnded) res.end();
}
