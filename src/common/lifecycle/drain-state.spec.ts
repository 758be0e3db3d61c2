import { EventEmitter } from 'node:events';

import type { NextFunction, Request, Response } from 'express';

import { DrainState } from 'src/common/lifecycle/drain-state';

/** Just what the middleware touches of a response: headers and the 'close' event. */
class FakeResponse extends EventEmitter {
  headersSent = false;
  readonly headers: Record<string, string> = {};
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
}

function request(sut: DrainState): FakeResponse {
  const res = new FakeResponse();
  const next = jest.fn();
  sut.trackRequests()({} as Request, res as unknown as Response, next as NextFunction);
  expect(next).toHaveBeenCalledWith();
  return res;
}

describe(DrainState.name, () => {
  it('counts requests until their response closes, and resolves requestsDone when none is left', async () => {
    const sut = new DrainState();
    await expect(sut.requestsDone(10)).resolves.toBe('done');
    const a = request(sut);
    const b = request(sut);
    expect(sut.requestsInFlight).toBe(2);
    const done = sut.requestsDone(5000);
    a.emit('close');
    b.emit('close');
    await expect(done).resolves.toBe('done');
    expect(sut.requestsInFlight).toBe(0);
  });

  it('gives up waiting after the timeout', async () => {
    const sut = new DrainState();
    request(sut);
    await expect(sut.requestsDone(20)).resolves.toBe('timeout');
  });

  it('once draining, asks keep-alive clients to reconnect elsewhere, on responses not yet started and new ones', () => {
    const sut = new DrainState();
    const before = request(sut);
    const streaming = request(sut);
    streaming.headersSent = true;
    expect(sut.draining).toBe(false);
    sut.begin();
    expect(sut.draining).toBe(true);
    expect(before.headers.Connection).toBe('close');
    expect(streaming.headers.Connection).toBeUndefined();
    expect(request(sut).headers.Connection).toBe('close');
  });

  it('drains every participant with the grace, and one failing does not stop the others', async () => {
    const sut = new DrainState();
    const calls = { drain: jest.fn().mockResolvedValue(undefined) };
    const broken = { drain: jest.fn().mockRejectedValue(new Error('socket gone')) };
    sut.register('calls', calls);
    sut.register('broken', broken);
    jest.spyOn(sut['logger'], 'error').mockImplementation(() => undefined);
    await sut.drainParticipants(1500);
    expect(calls.drain).toHaveBeenCalledWith(1500);
    expect(broken.drain).toHaveBeenCalledWith(1500);
    expect(sut['logger'].error).toHaveBeenCalledWith({ participant: 'broken', err: 'socket gone' }, 'drain failed');
  });
});
