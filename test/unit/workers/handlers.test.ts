import '../../fixtures/worker-env';

/** Cold start: each handler module reads its configuration once and fails loudly without it. */
describe('worker handler modules', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  async function load(entry: string): Promise<Record<string, unknown>> {
    let loaded: Record<string, unknown> = {};
    await jest.isolateModulesAsync(async () => {
      loaded = (await import(entry)) as Record<string, unknown>;
    });
    return loaded;
  }

  it.each([
    ['../../../functions/workers/revoke-devices', 'createRevokeDevicesHandler'],
    ['../../../functions/workers/end-sessions', 'createEndSessionsHandler'],
    ['../../../functions/workers/send-email', 'createSendEmailHandler'],
  ])('%s exports a middy handler and a factory', async (entry, factory) => {
    // Act
    const loaded = await load(entry);

    // Assess
    expect(typeof loaded.handler).toBe('function');
    expect(typeof (loaded.handler as { use?: unknown }).use).toBe('function');
    expect(typeof loaded[factory]).toBe('function');
  });

  it('refuses to start without TABLE_NAME', async () => {
    // Prepare
    delete process.env.TABLE_NAME;

    // Act / Assess
    await expect(load('../../../functions/workers/revoke-devices')).rejects.toThrow('TABLE_NAME environment variable is not set');
  });

  it('refuses a mail transport it does not know', async () => {
    // Prepare
    process.env.MAIL_TRANSPORT = 'smtp';

    // Act / Assess
    await expect(load('../../../functions/workers/send-email')).rejects.toThrow("MAIL_TRANSPORT must be 'ses' or 'sink', got 'smtp'");
  });

  it('needs MAIL_SINK_DIR only for the sink transport', async () => {
    // Prepare
    process.env.MAIL_TRANSPORT = 'ses';
    delete process.env.MAIL_SINK_DIR;

    // Act
    const loaded = await load('../../../functions/workers/send-email');

    // Assess
    expect(typeof loaded.handler).toBe('function');
  });
});
