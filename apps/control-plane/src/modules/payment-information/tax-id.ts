// EU VAT numbers: the format for each member state (the prefix is the VAT code: Greece is EL).
const EU_VAT: Record<string, RegExp> = {
  AT: /^ATU\d{8}$/, BE: /^BE[01]\d{9}$/, BG: /^BG\d{9,10}$/, CY: /^CY\d{8}[A-Z]$/, CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/, DK: /^DK\d{8}$/, EE: /^EE\d{9}$/, GR: /^EL\d{9}$/, ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/, FR: /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/, HR: /^HR\d{11}$/, HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/, IT: /^IT\d{11}$/, LT: /^LT(\d{9}|\d{12})$/, LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/, MT: /^MT\d{8}$/, NL: /^NL\d{9}B\d{2}$/, PL: /^PL\d{10}$/, PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/, SE: /^SE\d{12}$/, SI: /^SI\d{8}$/, SK: /^SK\d{10}$/,
}
const OTHER = /^[A-Z0-9][A-Z0-9 .\/-]{2,29}$/

/** Normalized tax id, or an error message naming the expected format. */
export function checkTaxId(country: string, taxId: string): { value: string } | { error: string } {
  const value = taxId.toUpperCase().replace(/[\s.-]/g, '')
  const eu = EU_VAT[country]
  if (eu) return eu.test(value) ? { value } : { error: `is not a valid ${country} VAT number (expected e.g. ${eu.source.replace(/[\^$\\]/g, '')})` }
  return OTHER.test(taxId.toUpperCase()) ? { value: taxId.toUpperCase() } : { error: 'must be 3-30 letters, digits, spaces or . / -' }
}
