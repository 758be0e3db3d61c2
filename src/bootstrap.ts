import { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { RequestHandler } from 'express';
import { Logger, type Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';

import { AppModule } from 'src/app.module';
import { authorizeAdmin } from 'src/common/auth/admin-access.policy';
import { ADMIN_BEARER_SCHEME, ADMIN_SECURITY_SCHEME, presentedAdminKey } from 'src/common/auth/admin-api-key.guard';
import { AdminPrincipalResolver } from 'src/common/auth/admin-principal';
import { adminConsole } from 'src/common/http/admin-console';
import { bodyParsing } from 'src/common/http/body-parsing';
import { FieldValidationPipe } from 'src/common/http/field-validation.pipe';
import { inSequence } from 'src/common/http/middleware-sequence';
import { corsHeaders } from 'src/common/http/response-headers';
import { RoleAwareWsAdapter, workerRoutesOnly } from 'src/common/http/role-gate';
import { platformSecurityHeaders } from 'src/common/http/security-headers';
import { staticAssets } from 'src/common/http/web-build';
import { DrainState } from 'src/common/lifecycle/drain-state';
import { requestLogging, rootLoggerOf } from 'src/common/logging';
import { Metrics } from 'src/common/metrics/metrics.port';
import { AppConfig } from 'src/config/app-config.service';
import { AppRole } from 'src/config/app-role';
import { normalizeOrigin, TenantOriginsRegistry } from 'src/tenant/tenant-origins.registry';

/** Options every app instance is created with; tests and benches that override providers reuse them. */
export const NEST_APP_OPTIONS: NestApplicationOptions = {
  bufferLogs: true,
  bodyParser: false,
  abortOnError: false,
  // The raw body is kept by bodyParsing (src/common/http), which installs the parsers per route.
};

/** The one bootstrap, shared by main.ts and the e2e tests, so tests exercise exactly what production runs. */
export async function createApp(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(), NEST_APP_OPTIONS);
  configureApp(app);
  return app;
}

/** Apps already configured: a second pass would stack every middleware and silently double each request's cost. */
const configured = new WeakSet<NestExpressApplication>();

export function configureApp(app: NestExpressApplication): void {
  if (configured.has(app)) throw new Error('configureApp: this app is already configured (createApp configures it)');
  configured.add(app);
  const config = app.get(AppConfig);
  const role = app.get(AppRole);
  app.useLogger(app.get(Logger));
  // The platform's middlewares, in order, mounted below as one Express layer (see inSequence).
  const edge: RequestHandler[] = [];
  // First, so draining (src/common/lifecycle/graceful-shutdown.ts, installed by main.ts) waits for every request.
  edge.push(app.get(DrainState).trackRequests());
  if (!role.servesApi) edge.push(workerRoutesOnly());
  const proxies = config.trustedProxies;
  // Client IPs (rate limits) come from X-Forwarded-For only when the hop is a configured proxy.
  app.set('trust proxy', proxies.length ? proxies : false);
  app.disable('x-powered-by');
  // Express would hash every body it sends (SHA-1) for a weak ETag, chat replies, POST answers and no-store health
  // checks included, where no client can use one. Only what clients revalidate carries one: the widget's config and
  // the console page set their own, and static files keep serve-static's.
  app.set('etag', false);
  // First, so every response (static files, CORS preflights, refusals by any later step) carries its request id.
  edge.push(requestLogging(rootLoggerOf(app.get<Params>(PARAMS_PROVIDER_TOKEN)), app.get(Metrics)));
  edge.push(platformSecurityHeaders());
  const origins = new Set(config.allowedOrigins.map(normalizeOrigin));
  const tenantOrigins = app.get(TenantOriginsRegistry);
  edge.push(
    corsHeaders({
      // Platform-wide ALLOWED_ORIGINS plus every tenant's own widget origins.
      origin: (origin, done) => {
        if (!origin || origins.has('*') || origins.has(normalizeOrigin(origin))) return done(null, true);
        tenantOrigins.isAllowed(origin).then(
          (ok) => done(null, ok),
          () => done(null, false),
        );
      },
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Admin-API-Key', 'X-Request-Id', 'X-Session-Token'],
      exposedHeaders: ['X-Request-Id', 'Retry-After'],
    }),
  );
  const principals = app.get(AdminPrincipalResolver);
  // JSON everywhere, forms only for Twilio, large NDJSON only for admin knowledge uploads (see bodyParsing).
  const parsers = bodyParsing({
    bodyLimit: config.get('BODY_LIMIT'),
    kbBodyLimit: config.get('KB_BODY_LIMIT'),
    kbMaxFileBytes: config.get('KB_MAX_FILE_BYTES'),
    // The same decision the admin guard makes for the upload route, so a key that may not upload never gets the room.
    mayUpload: async (req, businessId) => {
      const key = presentedAdminKey(req);
      if (!key) return false;
      authorizeAdmin(
        await principals.resolve(key),
        { method: 'POST', params: { id: businessId }, body: undefined },
        {},
      );
      return true;
    },
  });
  edge.push(parsers);
  app.useWebSocketAdapter(new RoleAwareWsAdapter(app, role.servesApi));
  app.useGlobalPipes(
    new FieldValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  // The embeddable widget (web-build/, from web/) and the platform's own pages (public/).
  edge.push(adminConsole(), staticAssets());
  app.use(inSequence(edge));
  if (role.servesApi) setupSwagger(app);
}

const ADMIN_KEY_DOC =
  'The platform admin key (every business) or a business API key `cpk_…` with role owner, editor or viewer (its own business only).';

export function buildOpenApiDocument(app: INestApplication) {
  const doc = new DocumentBuilder()
    .setTitle('Concierge platform API')
    .setDescription(
      "Multi-tenant AI assistant: web chat, voice, knowledge base, CRM. Admin endpoints need an admin API key: the platform key or a business's own key.",
    )
    .setVersion('1.0')
    // Relative, so the document is the same wherever it is generated and "try it out" calls the host serving it.
    .addServer('/', 'This deployment')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Admin-API-Key', description: ADMIN_KEY_DOC },
      ADMIN_SECURITY_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: `The same key as a bearer token. ${ADMIN_KEY_DOC}` },
      ADMIN_BEARER_SCHEME,
    )
    .build();
  // The platform is proprietary (package.json: UNLICENSED); OpenAPI's license object needs a name, not a URL.
  doc.info.license = { name: 'Proprietary' };
  return SwaggerModule.createDocument(app, doc, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

function setupSwagger(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
