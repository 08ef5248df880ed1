import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ALL_PERMISSIONS,
  BUILT_IN_ROLES,
  builtInRole,
  CATALOGUE,
  effectivePermissions,
  impliedRead,
  isPermission,
  missingPermissions,
  Permission,
  withImpliedReads,
} from './index'

describe('permission catalogue', () => {
  it('has the 34 permissions of API.md, each once, each with a group and a description', () => {
    assert.equal(CATALOGUE.length, 34)
    assert.equal(new Set(ALL_PERMISSIONS).size, 34)
    for (const p of CATALOGUE) {
      assert.match(p.name, /^(read|write|delete):[a-z_]+$/)
      assert.ok(p.description.length > 10, p.name)
    }
  })

  it('every write permission has a read counterpart', () => {
    for (const p of ALL_PERMISSIONS.filter((x) => x.startsWith('write:'))) {
      assert.ok(impliedRead(p), `${p} has no read:`)
    }
  })

  it('recognizes only catalogue names', () => {
    assert.equal(isPermission('read:clusters'), true)
    for (const bad of ['read:cluster', 'write:clusters ', 'READ:clusters', 'admin', '', 'read:*']) {
      assert.equal(isPermission(bad), false, bad)
    }
  })
})

describe('effective permissions', () => {
  it('closes every single permission under write ⇒ read, and nothing else', () => {
    for (const p of ALL_PERMISSIONS) {
      const effective = effectivePermissions([{ permissions: [p] }])
      const expected = new Set<Permission>([p])
      const read = impliedRead(p)
      if (read) expected.add(read)
      assert.deepEqual(effective, expected, p)
    }
  })

  it('unions several roles and ignores names outside the catalogue', () => {
    const effective = effectivePermissions([
      { permissions: ['write:clusters'] },
      { permissions: ['delete:backups', 'write:everything'] },
    ])
    assert.deepEqual([...effective].sort(), ['delete:backups', 'read:clusters', 'write:clusters'])
  })

  it('is empty for no roles', () => {
    assert.equal(effectivePermissions([]).size, 0)
  })

  it('reports missing permissions in catalogue order', () => {
    const held = effectivePermissions([{ permissions: ['write:roles'] }])
    assert.deepEqual(missingPermissions(held, ['read:roles']), [])
    assert.deepEqual(missingPermissions(held, ['delete:users', 'write:roles', 'read:users']), ['read:users', 'delete:users'])
  })

  it('withImpliedReads is idempotent and ordered like the catalogue', () => {
    const once = withImpliedReads(['write:backups', 'delete:roles'])
    assert.deepEqual(once, ['delete:roles', 'read:backups', 'write:backups'])
    assert.deepEqual(withImpliedReads(once), once)
  })
})

describe('built-in roles', () => {
  it('Base holds read:profile and read:account only', () => {
    assert.deepEqual([...builtInRole('BASE').permissions].sort(), ['read:account', 'read:profile'])
  })

  it('Admin holds everything but write:account and delete:account', () => {
    const admin = new Set(builtInRole('ADMIN').permissions)
    for (const p of ALL_PERMISSIONS) {
      assert.equal(admin.has(p), p !== 'write:account' && p !== 'delete:account', p)
    }
  })

  it('Owner holds every permission', () => {
    assert.deepEqual([...builtInRole('OWNER').permissions], [...ALL_PERMISSIONS])
  })

  it('every built-in role is already closed under implication', () => {
    for (const role of BUILT_IN_ROLES) assert.deepEqual(withImpliedReads(role.permissions), [...role.permissions], role.name)
  })
})
