import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common'
import { badRequest, FieldError, invalidField } from './problems'

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }))
    return own.concat(flatten(e.children ?? [], field))
  })
}

/** The path of the first string (value or key) holding U+0000, which PostgreSQL's text and jsonb cannot store. */
function nulCharacterAt(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined
  if (typeof value !== 'object' || value === null) return undefined
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key
    if (key.includes('\u0000')) return at
    const found = nulCharacterAt(inner, at)
    if (found) return found
  }
  return undefined
}

/**
 * A body that is not a JSON object (a string, an array, null, nothing) is refused before field checks,
 * and so is any input holding a NUL character (else PostgreSQL refuses it, as a 500).
 */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    const nul = nulCharacterAt(value, metadata.data ?? '')
    if (nul !== undefined) throw invalidField(nul || metadata.type, 'must not contain the NUL character (U+0000)')
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
    if (metadata.type === 'body' && metadata.metatype !== Object && !isObject) {
      throw badRequest('The request body must be a JSON object')
    }
    return super.transform(value, metadata)
  }
}

/** DTO validation: unknown fields rejected, no implicit type coercion of bodies, 400 with the field list. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validateCustomDecorators: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors)
      return badRequest(fields.map((f) => f.message).join('; ') || 'Invalid request', fields)
    },
  })
}
