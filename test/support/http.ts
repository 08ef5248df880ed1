// A small fetch client for tests: every call returns status, headers and the parsed body.
export interface Credentials {
  token?: string // a session token: Authorization: Bearer
  apikey?: string // a management key: Authorization: apikey
}

export interface HttpResult<T = any> {
  status: number
  headers: Headers
  body: T
}

export class HttpClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    options: Credentials & { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    if (options.apikey) headers.authorization = `apikey ${options.apikey}`
    let body: string | undefined = options.rawBody
    if (options.body !== undefined) body = JSON.stringify(options.body)
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body })
    const text = await response.text()
    let parsed: unknown = text
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text)
    return { status: response.status, headers: response.headers, body: parsed as T }
  }

  get = <T = any>(path: string, options?: Credentials) => this.request<T>('GET', path, options)
  delete = <T = any>(path: string, options?: Credentials) => this.request<T>('DELETE', path, options)
  post = <T = any>(path: string, body?: unknown, options?: Credentials & { headers?: Record<string, string> }) =>
    this.request<T>('POST', path, { ...options, body })
  put = <T = any>(path: string, body?: unknown, options?: Credentials) => this.request<T>('PUT', path, { ...options, body })
  patch = <T = any>(path: string, body?: unknown, options?: Credentials) => this.request<T>('PATCH', path, { ...options, body })
}
