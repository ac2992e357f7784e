import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.ts';
import { LOG } from '../common/log.ts';
import { withStartupLock } from '../database/startup-lock.ts';
import type { Log } from '../common/log.ts';
import { bundleChecksum } from './bundle-checksum.ts';
import { CatalogueService } from './catalogue.service.ts';
import { readReferenceBundle, referenceBundleSlugs, REPOSITORY_ROOT } from './reference-bundles.ts';

export interface ReferencePublication {
  slug: string;
  outcome: 'published' | 'unchanged' | 'failed';
  code?: string;
  version?: number;
  error?: string;
}

/**
 * `npm start` publishes the reference procedures (issue 3, item 4): at start of the api role, every
 * processes/<slug>/ with a metadata.json whose content is not already the latest version of its service goes through
 * the same validation, deployment and storage as an administrator's upload. A bundle that fails is logged and the
 * others are still published; the server starts either way.
 */
@Injectable()
export class ReferenceBundlesPublisher implements OnApplicationBootstrap {
  private readonly logger = new Logger('motcua');

  constructor(
    @Inject(CatalogueService) private readonly catalogue: CatalogueService,
    @Inject(LOG) private readonly log: Log,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Api replicas starting at once: the first publishes, the others then find the same content published.
    await withStartupLock(this.dataSource, 'reference-bundles', () => this.publishAll());
  }

  async publishAll(root: string = REPOSITORY_ROOT): Promise<ReferencePublication[]> {
    const outcomes: ReferencePublication[] = [];
    for (const slug of referenceBundleSlugs(root)) outcomes.push(await this.publishOne(slug, root));
    return outcomes;
  }

  private async publishOne(slug: string, root: string): Promise<ReferencePublication> {
    try {
      const { bundle } = readReferenceBundle(slug, root);
      // Warm start: a checksum comparison, no lint and no deployment.
      if ((await this.catalogue.latestChecksum(bundle.metadata.code)) === bundleChecksum(bundle)) {
        return { slug, outcome: 'unchanged', code: bundle.metadata.code };
      }
      const result = await this.catalogue.publish(bundle, null);
      if (result.created) {
        this.log(
          `motcua: reference bundle ${slug} published as service ${result.service.code} version ${result.version.version}`,
        );
      }
      return {
        slug,
        outcome: result.created ? 'published' : 'unchanged',
        code: result.service.code,
        version: result.version.version,
      };
    } catch (error) {
      const details =
        error instanceof DomainError && Array.isArray(error.details)
          ? (error.details as { path: string; elementId?: string; message: string }[])
              .map(
                (problem) =>
                  `\n  ${problem.path}${problem.elementId ? ` (${problem.elementId})` : ''}: ${problem.message}`,
              )
              .join('')
          : '';
      const message = `${(error as Error).message}${details}`;
      this.logger.error(`reference bundle ${slug} was not published: ${message}`);
      return { slug, outcome: 'failed', error: message };
    }
  }
}
