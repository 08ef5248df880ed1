import { setTimeout as sleep } from 'node:timers/promises'

/** Probes every 100 ms until `done` holds for the value (or the time is up); returns the last value. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let value = await probe()
  while (!done(value) && Date.now() < deadline) {
    await sleep(100)
    value = await probe()
  }
  return value
}
