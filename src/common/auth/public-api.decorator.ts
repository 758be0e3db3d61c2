import { DECORATORS } from '@nestjs/swagger';

/**
 * Documents every operation of a controller as needing no admin key (`security: []`): the widget's public routes,
 * health checks, and webhooks whose callers prove themselves by signature instead. Saying so explicitly keeps the
 * OpenAPI lint's `security-defined` rule meaningful: a new controller that declares neither this nor `AdminOnly()` fails it.
 *
 * Class-level only: Swagger drops an empty security list set on a method, but keeps one set on the controller.
 */
export function PublicApi(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(DECORATORS.API_SECURITY, [], target);
  };
}
