import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { AesGcmPayloadCodec } from './payload-codec';

type TemporalConfig = Config['temporal'];

/** The address in use: the configured cluster, or the embedded dev server started by `npm start`. */
export function temporalAddress(config: TemporalConfig): string {
  return config.address ?? `127.0.0.1:${config.devPort}`;
}

function tlsOptions(config: TemporalConfig) {
  if (!config.tls) return undefined;
  return {
    serverNameOverride: config.tlsServerName,
    serverRootCACertificate: config.tlsCaPath ? readFileSync(config.tlsCaPath) : undefined,
    clientCertPair:
      config.tlsCertPath && config.tlsKeyPath
        ? { crt: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) }
        : undefined,
  };
}

export function createDataConverter(config: Pick<Config, 'payloadCodec'>): DataConverter {
  return {
    payloadCodecs: [new AesGcmPayloadCodec(config.payloadCodec.keys, config.payloadCodec.activeKeyId)],
  };
}

/**
 * `traced`: the client's workflow calls (start, signal, update, query) make OpenTelemetry spans
 * under the caller's active span and carry its context to the workflow in their headers.
 */
export async function connectClient(
  config: Pick<Config, 'temporal' | 'payloadCodec'>,
  options: { traced?: boolean } = {},
): Promise<Client> {
  const interceptors = options.traced
    ? {
        workflow: [
          new (
            await import('@temporalio/interceptors-opentelemetry')
          ).OpenTelemetryWorkflowClientInterceptor(),
        ],
      }
    : undefined;
  const connection = await Connection.connect({
    address: temporalAddress(config.temporal),
    tls: tlsOptions(config.temporal),
    apiKey: config.temporal.apiKey,
  });
  return new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config),
    ...(interceptors ? { interceptors } : {}),
  });
}

export function connectWorkerConnection(config: Pick<Config, 'temporal'>): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: temporalAddress(config.temporal),
    tls: tlsOptions(config.temporal),
    apiKey: config.temporal.apiKey,
  });
}
