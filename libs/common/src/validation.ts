import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common'
import { badRequest, FieldError } from './problems'

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }))
    return own.concat(flatten(e.children ?? [], field))
  })
}

/** A body that is not a JSON object (a string, an array, null, nothing) is refused before field checks. */
class BodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
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
