/** The control plane refused this agent's credential (its environment was deleted). */
export class AgentRevoked extends Error {}

/** A call failed on the control plane's side (status 0: unreachable); the next heartbeat says what is still to do. */
export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/** A failure's reason as the control plane takes it (node errors can carry a whole response body). */
export function reportedReason(message: string): string {
  return message.length <= MAX_REASON_CHARS ? message : `${message.slice(0, MAX_REASON_CHARS - 1)}…`
}

const MAX_REASON_CHARS = 1000

/** Every call the agent makes goes out from here: it never listens for the control plane. */
export class ControlPlaneClient {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: () => string | undefined,
  ) {}

  async call(method: string, route: string, body?: unknown, authenticated = true): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (authenticated) headers.authorization = `Bearer ${this.credential()}`
    const res = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers,
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(30_000),
    }).catch((error: Error) => {
      throw new ControlPlaneError(0, `${method} ${route}: ${(error.cause as Error | undefined)?.message ?? error.message}`)
    })
    if (res.status === 401) throw new AgentRevoked(`the control plane refused this agent (${route}): ${await res.text()}`)
    if (!res.ok) throw new ControlPlaneError(res.status, `${method} ${route} → ${res.status}: ${await res.text()}`)
    return res
  }
}
