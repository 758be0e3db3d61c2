/** One problem with one input, by the dotted path of its field in the request body (`settings.ragMinConfidence`). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** The platform's error body (src/common/errors): a code for coded errors, fields for validation errors. */
interface ErrorBody {
  statusCode?: number;
  message?: string;
  code?: string;
  fields?: FieldProblem[];
  requestId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly fields: readonly FieldProblem[],
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  query?: Query;
}

/**
 * The admin API, authenticated by the key given at sign-in. The key travels in a header only: never in a URL, where
 * it would end up in logs and history.
 */
export class Api {
  constructor(private readonly key: string) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }
  post<T>(path: string, json?: unknown): Promise<T> {
    return this.request<T>('POST', path, json === undefined ? {} : { json });
  }
  put<T>(path: string, json: unknown): Promise<T> {
    return this.request<T>('PUT', path, { json });
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { 'X-Admin-API-Key': this.key, Accept: 'application/json' };
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.contentType) headers['Content-Type'] = options.contentType;
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined && v !== '') search.set(k, String(v));
    const url = search.size ? `${path}?${search}` : path;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch {
      throw new ApiError(
        0,
        'The platform could not be reached; check the connection and retry.',
        undefined,
        [],
        undefined,
      );
    }
    const text = await res.text();
    let data: unknown = undefined;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const err = (data ?? {}) as ErrorBody;
      throw new ApiError(
        res.status,
        err.message || `${res.status} ${res.statusText}`,
        err.code,
        Array.isArray(err.fields) ? err.fields : [],
        err.requestId,
      );
    }
    return data as T;
  }
}

export const businessPath = (businessId: string, rest = '') =>
  `/admin/business/${encodeURIComponent(businessId)}${rest}`;
