// Quiver never accepts or stores payment card data: a card number or a CVC in any field is refused.
import { badRequest } from '@quiver/common'

const DIGIT_RUN = /(?:\d[ -]?){13,19}/g
const CARD_FIELD = /^(card_?number|cc_?number|pan|cvc2?|cvv2?|security_?code)$/i

function luhn(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2
    sum += d
  }
  return sum % 10 === 0
}

export function looksLikeCardNumber(text: string): boolean {
  for (const run of text.match(DIGIT_RUN) ?? []) {
    const digits = run.replace(/[ -]/g, '')
    for (let len = 19; len >= 13; len--) {
      for (let start = 0; start + len <= digits.length; start++) if (luhn(digits.slice(start, start + len))) return true
    }
  }
  return false
}

/** Walks the raw body; the message never repeats the value. */
export function assertNoCardData(value: unknown, path = 'body'): void {
  if (typeof value === 'string' && looksLikeCardNumber(value)) {
    throw badRequest(`${path} looks like a payment card number; Quiver never accepts card numbers — send the processor's token`, [
      { field: path, message: 'must not contain a card number' },
    ])
  }
  if (typeof value !== 'object' || value === null) return
  for (const [key, inner] of Object.entries(value)) {
    const field = `${path}.${key}`
    if (CARD_FIELD.test(key)) {
      throw badRequest(`${field}: card numbers and security codes are never accepted`, [{ field, message: 'is not accepted' }])
    }
    assertNoCardData(inner, field)
  }
}
