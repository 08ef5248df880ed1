import { parseRevocationRequest, RevocationList } from '@quiver/data-plane-auth'
import { InvalidRequest } from '../errors'
import type { NodeRoute } from './route'

/** The control plane's push of revoked token ids (global manage only). */
export function internalRoutes(revocations: RevocationList): NodeRoute[] {
  return [
    {
      method: 'POST',
      url: '/internal/revocations',
      operation: 'revocations:add',
      handler: async ({ request }) => {
        const parsed = parseRevocationRequest(request.body)
        if (!parsed.ok) throw new InvalidRequest('JSON body', parsed.error)
        await revocations.revoke(parsed.revocations)
        return { revoked: parsed.revocations.length, size: revocations.size }
      },
    },
  ]
}
