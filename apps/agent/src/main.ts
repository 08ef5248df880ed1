// The hybrid-cloud agent: `npm run start:agent` on the customer's machine.
import { Agent } from './agent'
import { AgentRevoked } from './control-plane-client'
import { loadAgentConfig } from './config'

const log = (message: string) => console.log(JSON.stringify({ time: new Date().toISOString(), name: 'quiver-agent', msg: message }))

async function main() {
  let config
  try {
    config = loadAgentConfig()
  } catch (error) {
    console.error((error as Error).message)
    process.exit(1)
  }
  const agent = new Agent(config, log)
  const shutdown = () => {
    log('stopping; the clusters keep running and are adopted at the next start')
    process.exit(0)
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  log(`agent started for ${config.controlPlaneUrl}`)
  try {
    await agent.run()
  } catch (error) {
    if (error instanceof AgentRevoked) {
      log(error.message)
      if (config.stopClustersOnRevoke) {
        await agent.stopAll()
        log('stopped every cluster of this agent (QUIVER_AGENT_STOP_CLUSTERS_ON_REVOKE=true)')
      } else {
        log('its clusters keep running (set QUIVER_AGENT_STOP_CLUSTERS_ON_REVOKE=true to stop them)')
      }
      process.exit(3)
    }
    throw error
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
