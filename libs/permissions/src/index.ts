export * from './catalogue'
export * from './effective'
export * from './built-in-roles'
