// Nearest-neighbour searches that arrive in one turn of the event loop run back to back in the next
// check phase, before any of their answers is serialized and written. A graph walk is bound by
// memory latency: interleaved with socket reads, JSON parsing and writes, each walk started on cold
// caches and took 1.7× as long as in a tight loop (264 µs against 155 µs at 100k×128, ef 64); back
// to back they take ~195 µs and the node answers ~25% more searches at 10 connections.
type Work = () => void

let waiting: Work[] = []

export function inSearchTurn<T>(search: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (waiting.length === 0) setImmediate(runTurn)
    waiting.push(() => {
      try {
        resolve(search())
      } catch (error) {
        reject(error)
      }
    })
  })
}

function runTurn(): void {
  const turn = waiting
  waiting = []
  for (const work of turn) work()
}
