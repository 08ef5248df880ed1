// The node's typed errors. http/errors.ts maps them, in one place, to Qdrant's `{status:{error}, time}`.

export abstract class NodeError extends Error {
  abstract readonly statusCode: number
}

/** 400 with Qdrant's "Wrong input: ..." wording (semantic problems: dimensions, existing names). */
export class WrongInput extends NodeError {
  readonly statusCode = 400
  constructor(description: string) {
    super(`Wrong input: ${description}`)
  }
}

/** 400 for a request body or query that does not have the expected shape (names the field). */
export class InvalidRequest extends NodeError {
  readonly statusCode = 400
  constructor(where: 'JSON body' | 'query parameters' | 'path', description: string) {
    super(`Format error in ${where}: ${description}`)
  }
}

/** 404 with Qdrant's "Not found: ..." wording. */
export class NotFound extends NodeError {
  readonly statusCode = 404
  constructor(description: string) {
    super(`Not found: ${description}`)
  }
}

export class CollectionNotFound extends NotFound {
  constructor(name: string) {
    super(`Collection \`${name}\` doesn't exist!`)
  }
}

export class PointNotFound extends NotFound {
  constructor(id: string | number) {
    super(`No point with id ${id} found`)
  }
}

/** 401/403 from authentication or authorization, with the reason as the message. */
export class AccessDenied extends NodeError {
  constructor(
    readonly statusCode: 401 | 403,
    reason: string,
  ) {
    super(reason)
  }
}

/** 503 while the node is starting or shutting down. */
export class Unavailable extends NodeError {
  readonly statusCode = 503
  constructor(description: string) {
    super(`Service unavailable: ${description}`)
  }
}

/** 500: something broke that is not the caller's fault (I/O, a corrupt file). */
export class ServiceError extends NodeError {
  readonly statusCode = 500
  constructor(description: string) {
    super(`Service internal error: ${description}`)
  }
}
