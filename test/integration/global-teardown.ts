import type { Emulators } from '../../infra/local/emulators';

export default async function globalTeardown(): Promise<void> {
  const emulators = (globalThis as Record<string, unknown>).__emulators as Emulators | undefined;
  await Promise.all([emulators?.dynamo.stop(), emulators?.sqs.stop(), emulators?.ses.stop()]);
}
