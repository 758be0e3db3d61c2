import { UnansweredService } from 'src/analytics/unanswered/unanswered.service';
import { UnansweredRecheckListener } from 'src/analytics/unanswered/unanswered-recheck.listener';
import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { KB_VERSION_CHANNEL } from 'src/rag/knowledge-version.types';
import { LocalKeyValueStore } from 'src/redis/local.key-value-store';
import { LocalPubSub } from 'src/redis/local.pub-sub';
import { strictMock } from 'test/support/strict-mock';

const role = (name: string) => new AppRole(strictMock<AppConfig>({ get: () => name as never }));

function setup(roleName = 'worker', claims = new LocalKeyValueStore(), pubsub = new LocalPubSub()) {
  const recheck = jest.fn(() => Promise.resolve({}));
  const sut = new UnansweredRecheckListener(
    pubsub,
    claims,
    role(roleName),
    strictMock<UnansweredService>({ recheck } as never),
  );
  return { sut, recheck, pubsub, claims };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe(UnansweredRecheckListener.name, () => {
  it('rechecks a business once per knowledge-base version, whichever of the workers hears it first', async () => {
    const claims = new LocalKeyValueStore();
    const pubsub = new LocalPubSub();
    const one = setup('worker', claims, pubsub);
    const two = setup('worker', claims, pubsub);
    await Promise.all([one.sut.onApplicationBootstrap(), two.sut.onApplicationBootstrap()]);
    await pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId: 'acme', version: 3 }));
    await pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId: 'acme', version: 3 }));
    await settle();
    expect(one.recheck.mock.calls.length + two.recheck.mock.calls.length).toBe(1);
    await pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId: 'acme', version: 4 }));
    await settle();
    expect(one.recheck.mock.calls.length + two.recheck.mock.calls.length).toBe(2);
    await Promise.all([one.sut.onApplicationShutdown(), two.sut.onApplicationShutdown()]);
  });

  it('ignores malformed notices and a business left without a version', async () => {
    const { sut, recheck, pubsub } = setup();
    await sut.onApplicationBootstrap();
    for (const raw of ['not json', '{"version":1}', JSON.stringify({ businessId: 'acme', version: null })])
      await pubsub.publish(KB_VERSION_CHANNEL, raw);
    await settle();
    expect(recheck).not.toHaveBeenCalled();
    await sut.onApplicationShutdown();
  });

  it('does not listen on an api instance', async () => {
    const { sut, recheck, pubsub } = setup('api');
    await sut.onApplicationBootstrap();
    await pubsub.publish(KB_VERSION_CHANNEL, JSON.stringify({ businessId: 'acme', version: 1 }));
    await settle();
    expect(recheck).not.toHaveBeenCalled();
  });
});
