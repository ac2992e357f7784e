import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { startTestEngine } from '../support/test-engine.ts';
import type { TestEngine } from '../support/test-engine.ts';

const TOPOLOGY = '/gateway_protocol.Gateway/Topology';
const empty = (): Buffer => Buffer.alloc(0);

/** One unary Topology call with this channel compression; resolves with the answer. */
function topology(client: grpc.Client): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      TOPOLOGY,
      empty,
      (buffer: Buffer) => buffer,
      Buffer.alloc(0),
      (error, response) => (error ? reject(error) : resolve(response!)),
    );
  });
}

/** The response headers of a Topology call made over plain HTTP/2 (a gRPC client hides grpc-accept-encoding). */
async function topologyHeaders(port: number): Promise<http2.IncomingHttpHeaders> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const request = session.request({
        ':method': 'POST',
        ':path': TOPOLOGY,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-accept-encoding': 'identity,gzip',
      });
      request.on('response', resolve);
      request.on('error', reject);
      request.end(Buffer.from([0, 0, 0, 0, 0])); // one uncompressed, empty message
      request.resume();
    });
  } finally {
    session.close();
  }
}

describe('gateway message encoding', () => {
  let test: TestEngine;
  const clients: grpc.Client[] = [];
  before(async () => {
    test = await startTestEngine();
  });
  after(async () => {
    for (const client of clients) client.close();
    await test.close();
  });

  const client = (options: grpc.ChannelOptions = {}): grpc.Client => {
    const made = new grpc.Client(`127.0.0.1:${test.port}`, grpc.credentials.createInsecure(), options);
    clients.push(made);
    return made;
  };

  it('advertises identity only, so clients stop gzipping requests on loopback', async () => {
    const headers = await topologyHeaders(test.port);
    expect(headers[':status']).to.equal(200);
    expect(headers['grpc-accept-encoding']).to.equal('identity');
  });

  it('still answers requests a client sends gzipped (as the Zeebe client does on its first call)', async () => {
    // grpc.default_compression_algorithm 2 = gzip, what @camunda8/sdk configures
    const gzipping = client({ 'grpc.default_compression_algorithm': 2 });
    const first = await topology(gzipping);
    const second = await topology(gzipping);
    expect(first.length).to.be.greaterThan(0);
    expect(second).to.deep.equal(first);
  });
});
