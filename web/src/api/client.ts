/**
 * The typed API client: openapi-fetch over the types generated from the API's OpenAPI document
 * (`npm run gen`), so a changed route or shape fails the build instead of the user.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

/** An API error as the console shows it: the API's code and message, and for 5xx the request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details: { field?: string; reason?: string }[] = [],
    /** Details that are an object rather than a list (`maintenance`: `{ends_at, mode}`,
     * `licence_expired`: `{module, expired_at, purge_at}`). */
    readonly info: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const LAST_REQUEST = "kontor.lastRequestId";

/** The request id of the last error answer the console met: an error report starts with it. */
export function lastRequestId(): string {
  return sessionStorage.getItem(LAST_REQUEST) ?? "";
}

type TokenSource = { token(): Promise<string | null>; unauthorized(): void };
let tokens: TokenSource = { token: async () => null, unauthorized: () => undefined };

export function useTokens(source: TokenSource): void {
  tokens = source;
}

const auth: Middleware = {
  async onRequest({ request }) {
    const token = await tokens.token();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    request.headers.set("Accept", "application/json");
    return request;
  },
};

/** The API's base URL: the page's own origin unless index.html names another (a CDN deployment). */
export const API_URL = (document.querySelector<HTMLMetaElement>('meta[name="kontor-api"]')?.content ?? "").replace(/\/+$/, "");

export const api = createClient<paths>({ baseUrl: API_URL });
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer, or an ApiError built from the error body and headers. */
export async function ok<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (ex) {
    throw new ApiError(0, "network", String(ex));
  }
  const { response } = result;
  if (response.ok) return result.data as T;
  // The API no longer takes the token (expired, refresh failed): end the session, sign in again.
  if (response.status === 401) tokens.unauthorized();
  throw toError(response, result.error);
}

export function toError(response: Response, body: unknown): ApiError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
  const requestId =
    (typeof error.request_id === "string" ? error.request_id : null) ?? response.headers.get("X-Request-Id");
  if (requestId) sessionStorage.setItem(LAST_REQUEST, requestId);
  const details = error.details;
  return new ApiError(
    response.status,
    typeof error.code === "string" ? error.code : `http_${response.status}`,
    typeof error.message === "string" ? error.message : response.statusText,
    requestId,
    Array.isArray(details) ? (details as ApiError["details"]) : [],
    details && typeof details === "object" && !Array.isArray(details) ? (details as Record<string, unknown>) : {},
  );
}

/** The ETag of an answer (the version a later `If-Match` names). */
export async function withEtag<T>(pending: Promise<Result<T>>): Promise<{ data: T; etag: string }> {
  const result = await pending.catch((ex) => {
    throw new ApiError(0, "network", String(ex));
  });
  const data = await ok(Promise.resolve(result));
  return { data, etag: result.response.headers.get("ETag") ?? "" };
}

/** A fresh key per intended creation: a retry of the same click is answered once. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
