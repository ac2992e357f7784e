import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { openTestDatabase, testDatabases } from '../../test/support/databases.ts';
import { loadConfig } from '../config/config.ts';
import { inTransaction } from '../database/transaction.ts';
import { MailSender } from './mail-sender.service.ts';
import { Notification } from './notification.entity.ts';
import { emailText, enqueueNotifications } from './notification-outbox.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP peer on 127.0.0.1 and a free port; `refuse` makes it answer 451 to the next message(s). */
async function startSmtpPeer(): Promise<{
  port: number;
  received: Received[];
  refuse: number;
  close: () => Promise<void>;
}> {
  const peer = { port: 0, received: [] as Received[], refuse: 0, close: async (): Promise<void> => undefined };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (peer.refuse > 0) {
          peer.refuse -= 1;
          const error = new Error('mailbox busy, try later') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        peer.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          data: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.server.address() as { port: number }).port;
  peer.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return peer;
}

const draft = (recipient: string, dedupeKey?: string) => ({
  dossierId: null,
  recipient,
  subject: { vi: 'Mã hồ sơ 000.00.12.H10-260108-0001', en: 'Dossier code 000.00.12.H10-260108-0001' },
  body: { vi: 'Hồ sơ của ông/bà đã vào hệ thống.', en: 'Your dossier has entered the system.' },
  dedupeKey,
});

for (const { name, database, cleanup } of testDatabases()) {
  describe(`the e-mail outbox on ${name}`, function () {
    this.timeout(60_000);
    let dataSource: DataSource;
    let drop: () => Promise<void>;
    let dataDir: string;
    beforeEach(async () => {
      ({ dataSource, drop } = await openTestDatabase(database()));
      dataDir = mkdtempSync(join(tmpdir(), 'motcua-mail-'));
    });
    afterEach(async () => {
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    after(cleanup);

    const enqueue = (drafts: ReturnType<typeof draft>[]) =>
      inTransaction(dataSource, (manager) => enqueueNotifications(manager, drafts));
    const outbox = () => dataSource.getRepository(Notification).find({ order: { createdAt: 'ASC' } });

    it('delivers through SMTP (MOTCUA_SMTP_URL) and marks the notification sent', async () => {
      // given
      const peer = await startSmtpPeer();
      const sender = new MailSender(
        dataSource,
        loadConfig({ MOTCUA_DATA_DIR: dataDir, MOTCUA_SMTP_URL: `smtp://127.0.0.1:${peer.port}` }),
      );
      try {
        await enqueue([draft('an.nguyen@example.com')]);

        // when
        const sent = await sender.flush();

        // then
        expect(sent).to.equal(1);
        expect(peer.received).to.have.length(1);
        expect(peer.received[0]!.to).to.deep.equal(['an.nguyen@example.com']);
        expect(peer.received[0]!.from).to.equal('no-reply@motcua.local');
        const text = peer.received[0]!.data;
        expect(text).to.match(/^Subject: /m);
        expect(text).to.contain('Content-Type: text/plain; charset=utf-8');
        const [row] = await outbox();
        expect(row).to.include({ status: 'sent', attempts: 1, error: null });
        expect(row!.sentAt).to.be.instanceOf(Date);
      } finally {
        await sender.onApplicationShutdown();
        await peer.close();
      }
    });

    it('keeps a refused message pending with the error and sends it at its next attempt', async () => {
      // given: the relay answers 451 once
      const peer = await startSmtpPeer();
      peer.refuse = 1;
      const sender = new MailSender(
        dataSource,
        loadConfig({ MOTCUA_DATA_DIR: dataDir, MOTCUA_SMTP_URL: `smtp://127.0.0.1:${peer.port}` }),
      );
      try {
        await enqueue([draft('binh.tran@example.com')]);

        // when
        expect(await sender.flush()).to.equal(0);

        // then: pending, one attempt, the error, a later attempt time
        const [refused] = await outbox();
        expect(refused).to.include({ status: 'pending', attempts: 1 });
        expect(refused!.error).to.contain('451');
        expect(refused!.nextAttemptAt.getTime()).to.be.greaterThan(Date.now());
        expect(await sender.flush()).to.equal(0); // not due yet

        // when its time comes
        await dataSource
          .getRepository(Notification)
          .update({ id: refused!.id }, { nextAttemptAt: new Date(Date.now() - 1) });
        expect(await sender.flush()).to.equal(1);
        const [row] = await outbox();
        expect(row).to.include({ status: 'sent', attempts: 2 });
        expect(peer.received.map((mail) => mail.to[0])).to.deep.equal(['binh.tran@example.com']);
      } finally {
        await sender.onApplicationShutdown();
        await peer.close();
      }
    });

    it('writes .eml files under the data dir when no SMTP relay is configured', async () => {
      // given
      const sender = new MailSender(dataSource, loadConfig({ MOTCUA_DATA_DIR: dataDir }));
      try {
        await enqueue([draft('an.nguyen@example.com'), draft('binh.tran@example.com')]);

        // when
        expect(await sender.flush()).to.equal(2);

        // then
        const files = readdirSync(join(dataDir, 'mail')).filter((file) => file.endsWith('.eml'));
        expect(files).to.have.length(2);
        const mails = files.map((file) => readFileSync(join(dataDir, 'mail', file), 'utf8'));
        expect(mails.some((mail) => /^To: an\.nguyen@example\.com$/m.test(mail))).to.equal(true);
        expect(mails.every((mail) => /^From: motcua <no-reply@motcua\.local>$/m.test(mail))).to.equal(true);
        expect((await outbox()).map((row) => row.status)).to.deep.equal(['sent', 'sent']);
      } finally {
        await sender.onApplicationShutdown();
      }
    });

    it('keeps one notification per dedupe key and none without a valid address', async () => {
      await enqueue([
        draft('an.nguyen@example.com', 'motcua.intake:d1'),
        draft('an.nguyen@example.com', 'motcua.intake:d1'),
        draft('not an address'),
      ]);
      expect((await outbox()).map((row) => row.recipient)).to.deep.equal(['an.nguyen@example.com']);
    });

    it('writes the Vietnamese text first and the English second', () => {
      const text = emailText({ vi: 'Hồ sơ đã được tiếp nhận.', en: 'The dossier was accepted.' });
      expect(text.indexOf('Hồ sơ')).to.be.lessThan(text.indexOf('The dossier'));
    });
  });
}
