import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { lockDirectory, startEngineServer } from '@motcua/engine';
import { json } from 'express';
import { join } from 'node:path';
import type { MotcuaConfig } from './config/config.ts';
import { openDatabase } from './database/data-source.ts';
import { AppModule } from './app.module.ts';
import { openAttachmentStorage } from './dossiers/storage-backends.ts';
import { Readiness } from './health/readiness.ts';
import { createZeebeClient } from './zeebe/zeebe.ts';

/** Largest JSON body of the bundle publishing endpoints (POST /api/admin/bundles and /validate). */
export const BUNDLE_JSON_LIMIT = '8mb';

export interface RunningServer {
  httpPort?: number;
  enginePort?: number;
  close(): Promise<void>;
}

/**
 * Starts the roles the configuration asks for, in one process: the embedded engine first, then
 * the database, then the Nest application (api and/or workers), which reach the engine over gRPC.
 */
export async function startServer(
  config: MotcuaConfig,
  log: (message: string) => void = () => undefined,
): Promise<RunningServer> {
  const unlock = lockDirectory(config.dataDir, 'server.lock', 'motcua server');
  const closers: (() => Promise<void>)[] = [async () => unlock()];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => log(`motcua: shutdown step failed: ${String(error)}`));
  };
  try {
    let enginePort: number | undefined;
    if (config.roles.has('engine')) {
      const engine = await startEngineServer({
        dataDir: join(config.dataDir, 'engine'),
        port: config.engine.port,
        host: config.engine.host,
        log,
      });
      enginePort = engine.port;
      closers.push(() => engine.close());
      log(`motcua engine listening on ${config.engine.host}:${enginePort}`);
    }
    const dataSource = await openDatabase(config.database);
    // Nest's TypeORM module may already have closed it on app.close().
    closers.push(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    });
    const zeebe = createZeebeClient(config, enginePort);
    closers.push(() => zeebe.close(2_000).then(() => undefined));
    const files = await openAttachmentStorage(config.files);
    closers.push(() => files.close());
    const readiness = new Readiness();
    readiness.register('database', async () => (await dataSource.query('SELECT 1 AS ok')).length === 1);
    readiness.register('engine', async () => (await zeebe.topology()).brokers.length > 0);
    readiness.register('files', () => files.check());

    const app: INestApplication = await NestFactory.create(
      AppModule.forRoles({ config, dataSource, zeebe, files, readiness, log }),
      {
        logger: ['error', 'warn'],
        abortOnError: false,
      },
    );
    app.setGlobalPrefix('api');
    // A publishing bundle (BPMN, forms, metadata as JSON) is larger than Express's 100 kB default: its route alone gets
    // more. Registered before Nest's own parsers, which then leave the parsed body alone. Wrapped so that its name is
    // not `jsonParser`: Nest would take it for its own and not register the default parser for every other route.
    const bundleJson = json({ limit: BUNDLE_JSON_LIMIT });
    app.use('/api/admin/bundles', function bundleBodyParser(request: never, response: never, next: never) {
      bundleJson(request, response, next);
    });
    app.enableShutdownHooks();
    closers.push(() => app.close());
    let httpPort: number | undefined;
    if (config.roles.has('api')) {
      const document = SwaggerModule.createDocument(
        app,
        new DocumentBuilder()
          .setTitle('motcua API')
          .setDescription('Một cửa điện tử liên thông / electronic one-stop-shop')
          .setVersion('0.1.0')
          .addBearerAuth()
          .addCookieAuth('motcua_session')
          .build(),
      );
      app
        .getHttpAdapter()
        .get('/api/openapi.json', (_request: unknown, response: { json: (body: unknown) => void }) =>
          response.json(document),
        );
      await app.listen(config.http.port, config.http.host);
      const address = app.getHttpServer().address() as { port: number };
      httpPort = address.port;
      log(`motcua api listening on http://${config.http.host}:${httpPort}`);
    } else {
      await app.init();
    }
    return { httpPort, enginePort, close };
  } catch (error) {
    await close();
    throw error;
  }
}
