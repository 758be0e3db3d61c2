import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

import { validateEnv } from 'src/config/env.schema';

const ROOT = join(__dirname, '..', '..');
const OVERLAY = 'deploy/k8s/overlays/example';

// Just enough of the Kubernetes object model for the checks below.
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: object }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** The variables the platform reads: the `NAME=` lines of .env.example, the operator's reference. */
function envExampleNames(): string[] {
  return readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z0-9_]+=/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));
}

/** `kubectl kustomize` of the example overlay, as CI and an operator render it (kubectl missing fails, never skips). */
function render(): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', OVERLAY], { cwd: ROOT, encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

describe(`Kubernetes manifests (kubectl kustomize ${OVERLAY})`, () => {
  const objects = render();
  const find = (kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`the rendered manifests have no ${kind} ${name}`);
    return found;
  };
  const podSpec = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;
  const api = find('Deployment', 'concierge-api');
  const worker = find('Deployment', 'concierge-worker');
  const migrate = find('Job', 'concierge-migrate');
  const appContainers = [api, worker, migrate].map((o) => [o, podSpec(o).containers[0]] as const);
  const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('concierge-config-'))!;
  const config = configMap.data!;
  const envOf = (c: Container): Record<string, string | undefined> =>
    Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

  it('renders a ConfigMap every app container loads', () => {
    expect(configMap).toBeDefined();
    for (const [, c] of appContainers)
      expect(c.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
  });

  it.each(['concierge-api', 'concierge-worker', 'concierge-migrate'])(
    '%s sets every variable of .env.example, from the ConfigMap or the Secret',
    (name) => {
      const [, container] = appContainers.find(([o]) => o.metadata.name === name)!;
      const set = new Set([...Object.keys(config), ...(container.env ?? []).map((e) => e.name)]);
      // The migration Job is a CLI: the per-role variables of the Deployments keep their defaults there.
      const perRole = new Set(
        [...(podSpec(api).containers[0].env ?? []).filter((e) => e.value !== undefined)].map((e) => e.name),
      );
      const missing = envExampleNames().filter((n) => !set.has(n) && !(name === 'concierge-migrate' && perRole.has(n)));
      if (missing.length)
        throw new Error(
          `${name} does not set ${missing.join(', ')} (listed in .env.example): add non-secret variables to ` +
            'deploy/k8s/base/config.env, secret ones to deploy/k8s/base/secret-env.patch.yaml',
        );
    },
  );

  it('sets no variable that .env.example does not document', () => {
    const documented = new Set(envExampleNames());
    const used = new Set([
      ...Object.keys(config),
      ...appContainers.flatMap(([, c]) => (c.env ?? []).map((e) => e.name)),
    ]);
    expect([...used].filter((n) => !documented.has(n))).toEqual([]);
  });

  it('takes credentials from the Secret, never from the ConfigMap', () => {
    const secret = ['DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY', 'CRM_ENCRYPTION_KEY', 'SESSION_TOKEN_SECRET'];
    for (const [, c] of appContainers) {
      for (const name of [...secret, 'GEMINI_API_KEY', 'CRM_ENCRYPTION_PREVIOUS_KEYS']) {
        expect(config[name]).toBeUndefined();
        const ref = c.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
        expect([name, ref?.name, ref?.key]).toEqual([name, 'concierge-secrets', name]);
      }
    }
  });

  it('is a valid production configuration once the Secret supplies the credentials', () => {
    const secrets = {
      DATABASE_URL: 'postgres://concierge:pw@db:5432/concierge',
      REDIS_URL: 'redis://redis:6379/0',
      ADMIN_API_KEY: 'a'.repeat(32),
      CRM_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      SESSION_TOKEN_SECRET: 's'.repeat(32),
      GEMINI_API_KEY: 'gemini-key',
    };
    for (const [, c] of appContainers) {
      const env = validateEnv({ ...config, ...envOf(c), ...secrets });
      expect(env.NODE_ENV).toBe('production');
      expect(env.DATA_DIR).toBe('/var/lib/concierge');
    }
  });

  describe('API Deployment', () => {
    const spec = podSpec(api);
    const app = spec.containers[0];

    it('runs at least two replicas in the api role, without running migrations', () => {
      expect((api.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
      expect(envOf(app)).toMatchObject({ APP_ROLE: 'api', MIGRATIONS_RUN: 'false' });
    });

    it('is ready on /health/ready and alive on /health, on the port it listens on', () => {
      expect(app.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(app.livenessProbe?.httpGet?.path).toBe('/health');
      const http = app.ports!.find((p) => p.name === app.readinessProbe!.httpGet!.port)!;
      expect(String(http.containerPort)).toBe(config.PORT);
    });

    it('sleeps in preStop for SHUTDOWN_DELAY_MS and is given longer than delay + call grace to stop', () => {
      const sleep = app.lifecycle?.preStop?.exec?.command;
      expect(sleep?.[0]).toBe('sleep');
      const preStopSeconds = Number(sleep?.[1]);
      expect(preStopSeconds * 1000).toBe(Number(config.SHUTDOWN_DELAY_MS));
      const needed = preStopSeconds + Number(config.SHUTDOWN_DELAY_MS) / 1000 + Number(config.SHUTDOWN_CALL_GRACE_S);
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(needed);
    });
  });

  describe('worker Deployment', () => {
    it('runs in the worker role, without running migrations', () => {
      expect(envOf(podSpec(worker).containers[0])).toMatchObject({ APP_ROLE: 'worker', MIGRATIONS_RUN: 'false' });
      expect(podSpec(worker).containers[0].readinessProbe?.httpGet?.path).toBe('/health/ready');
    });
  });

  it.each(['concierge-api', 'concierge-worker', 'concierge-migrate'])(
    '%s has resource requests and limits and runs as non-root on a read-only root filesystem',
    (name) => {
      const [o, c] = appContainers.find(([x]) => x.metadata.name === name)!;
      const spec = podSpec(o);
      for (const kind of ['requests', 'limits'] as const) {
        expect(c.resources?.[kind]?.cpu).toBeDefined();
        expect(c.resources?.[kind]?.memory).toBeDefined();
      }
      expect(spec.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot).toBe(true);
      expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const volume = (mountPath: string) => {
        const mount = c.volumeMounts?.find((m) => m.mountPath === mountPath);
        return spec.volumes?.find((v) => v.name === mount?.name);
      };
      // Every path the app writes to is a writable volume: /tmp always, DATA_DIR where the server runs.
      expect(volume('/tmp')?.emptyDir).toBeDefined();
      if (name !== 'concierge-migrate') expect(volume(config.DATA_DIR)?.emptyDir).toBeDefined();
    },
  );

  describe('migration Job', () => {
    const app = podSpec(migrate).containers[0];

    it('runs `npm run migrate` compiled, in the same image as the replicas', () => {
      expect(app.image).toBe(podSpec(api).containers[0].image);
      expect(app.command).toEqual(['node', 'dist/src/migrate.js']);
      expect(podSpec(migrate)).toMatchObject({ restartPolicy: 'Never' });
    });

    it('runs a file the production build compiles and the image contains', () => {
      const parsed = ts.getParsedCommandLineOfConfigFile(
        join(ROOT, 'tsconfig.build.json'),
        {},
        {
          ...ts.sys,
          onUnRecoverableConfigFileDiagnostic: (d) => {
            throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
          },
        },
      )!;
      expect(parsed.fileNames).toContain(join(ROOT, 'src', 'migrate.ts'));
      // The runtime stage copies the build's dist/ whole.
      expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^COPY --from=build .*\/app\/dist \.\/dist$/m);
    });
  });

  it('exposes the API pods through a Service on their http port', () => {
    const service = find('Service', 'concierge-api');
    expect((service.spec as { selector: object }).selector).toEqual(
      (api.spec as { selector: { matchLabels: object } }).selector.matchLabels,
    );
    expect((service.spec as { ports: { targetPort: string }[] }).ports[0].targetPort).toBe('http');
  });

  it('routes /media-stream through nginx as a WebSocket with hour-long timeouts', () => {
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    const paths = ingresses.flatMap((o) =>
      (o.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[] }).rules
        .flatMap((r) => r.http.paths)
        .map((p) => ({ ingress: o, path: p.path, service: p.backend.service.name })),
    );
    expect(paths.map((p) => [p.path, p.service])).toEqual(
      expect.arrayContaining([
        ['/', 'concierge-api'],
        ['/media-stream', 'concierge-api'],
      ]),
    );
    const media = paths.find((p) => p.path === '/media-stream')!.ingress.metadata.annotations!;
    expect(media['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
    expect(Number(media['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    expect(Number(media['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(3600);
    const main = paths.find((p) => p.path === '/')!.ingress.metadata.annotations!;
    expect(main['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
  });

  it('scales the API Deployment with an HPA that keeps at least two replicas', () => {
    const hpa = find('HorizontalPodAutoscaler', 'concierge-api').spec as {
      scaleTargetRef: { kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
    };
    expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'concierge-api' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
  });

  it('keeps API pods available through voluntary disruptions with a PDB', () => {
    const pdb = find('PodDisruptionBudget', 'concierge-api').spec as {
      selector: { matchLabels: object };
      maxUnavailable?: number;
    };
    expect(pdb.selector.matchLabels).toEqual((api.spec as { selector: { matchLabels: object } }).selector.matchLabels);
    expect(pdb.maxUnavailable).toBe(1);
  });
});
