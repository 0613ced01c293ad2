// The portal's only door to diskret: /v1 with the session cookie (HttpOnly, sent by the
// browser) and the CSRF token on every request that changes something.
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { field?: string; reason?: string; line?: number }[];
}

export class ApiError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
  }
}

export interface Session {
  kind: string;
  tenant_id: string;
  tenant_name?: string;
  user_id?: number;
  email?: string;
  role: "owner" | "admin" | "sender" | "viewer";
  csrf_token?: string;
  expires_at?: string;
}

let csrf = "";
let onUnauthorized: () => void = () => {};

export function setCsrf(token: string): void { csrf = token; }
export function setUnauthorizedHandler(fn: () => void): void { onUnauthorized = fn; }

export async function request<T = any>(method: string, path: string, body?: unknown,
                                       opts: { type?: string; raw?: boolean; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrf;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    if (typeof body === "string") {
      payload = body;
      headers["Content-Type"] = opts.type ?? "text/plain";
    } else {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: "same-origin", cache: "no-store" });
  if (res.status === 401 && path !== "/v1/session") onUnauthorized();
  if (!res.ok) {
    let problem: Problem = { status: res.status };
    try { problem = { status: res.status, ...(await res.json()) }; } catch { /* not JSON */ }
    throw new ApiError(problem);
  }
  if (opts.raw) return (await res.text()) as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T = any>(path: string) => request<T>("GET", path);
export const post = <T = any>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});
export const del = <T = any>(path: string) => request<T>("DELETE", path);

/// Every page of a cursor-paginated list (bounded: `max` items).
export async function all<T = any>(path: string, max = 2000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: { data: T[]; next_cursor?: string | null } =
      await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    out.push(...page.data);
    cursor = page.next_cursor ?? null;
  } while (cursor && out.length < max);
  return out;
}

/// A random Idempotency-Key (crypto.randomUUID needs a secure context; this does not).
export function idempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
