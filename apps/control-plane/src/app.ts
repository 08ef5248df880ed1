import { NestFactory } from '@nestjs/core'
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify'
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger'
import { LogController } from 'fastify'
import { Config, createLogger, createValidationPipe, PinoNestLogger } from '@quiver/common'
import { AppModule } from './app.module'
import { instrumentRequests, METRICS } from './modules/health/metrics'

export const API_PREFIX = 'api/v1'

/** The control-plane API, configured but not yet listening (tests call this too). */
export async function createApp(config: Config): Promise<NestFastifyApplication> {
  const logger = createLogger(config.LOG_LEVEL, 'control-plane')
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // one line per request only when debugging; /metrics counts requests otherwise
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  })
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
  })
  app.setGlobalPrefix(API_PREFIX, { exclude: ['healthz', 'readyz', 'metrics'] })
  app.useGlobalPipes(createValidationPipe())
  app.enableShutdownHooks()
  instrumentRequests(app.getHttpAdapter().getInstance(), app.get(METRICS))

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Quiver control plane')
      .setDescription('Accounts, identity and access, clusters, backups. Each operation names the access it needs in x-quiver-access.')
      .setVersion('v1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a session token from POST /api/v1/auth/login' }, 'session')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: '"apikey <management key>"' }, 'managementKey')
      .build(),
  )
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' })
  return app
}
