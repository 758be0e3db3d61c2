import type { ErrorKind } from 'src/common/errors/error-kind';

/** One error a module can answer with: its wire code, its kind (which fixes the HTTP status) and what it means. */
export interface ErrorSpec<C extends string = string> {
  readonly code: C;
  readonly kind: ErrorKind;
  /** One sentence for clients, printed in the README's error table: what went wrong and what to do about it. */
  readonly meaning: string;
}

/** A module's errors by symbolic name, as declared in its `*.errors.ts`. */
export type ErrorCatalogue = Readonly<Record<string, ErrorSpec>>;

/**
 * Filled in by declaration merging in `src/error-codes.ts`, which imports every module's catalogue: `common` must
 * not import feature modules, yet `AppError` has to refuse an error no catalogue declares. Until the registry is
 * part of the program nothing is accepted, so a missing registry fails loudly instead of letting any string through.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an augmentation target starts empty
export interface ErrorCodeRegistry {}

/** Exactly the entries of the registered catalogues, so a code cannot be thrown with another kind than declared. */
export type RegisteredErrorSpec = ErrorCodeRegistry extends { readonly spec: infer S extends ErrorSpec } ? S : never;

/** Every code the platform answers with: the closed union of all registered catalogues. */
export type ErrorCode = RegisteredErrorSpec['code'];

/**
 * Declares a module's catalogue. The wire codes are spelled out (not derived from the names) because clients
 * already match on them, including the lower-case ones published by the API contract.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): T {
  return Object.freeze(specs);
}

/** Name → wire code, the shape modules compare `err.code` with (`TenantErrorCode.NOT_FOUND`). */
export function codesOf<T extends ErrorCatalogue>(catalogue: T): { readonly [K in keyof T]: T[K]['code'] } {
  return Object.freeze(Object.fromEntries(Object.entries(catalogue).map(([name, spec]) => [name, spec.code]))) as {
    readonly [K in keyof T]: T[K]['code'];
  };
}

/** Wire code → spec, for error classes that are constructed from a code (`new LlmError(LlmErrorCode.TIMEOUT)`). */
export function specsByCode<T extends ErrorCatalogue>(catalogue: T): { readonly [K in keyof T as T[K]['code']]: T[K] } {
  return Object.freeze(Object.fromEntries(Object.values(catalogue).map((spec) => [spec.code, spec]))) as {
    readonly [K in keyof T as T[K]['code']]: T[K];
  };
}
