import { Tracer } from '@aws-lambda-powertools/tracer';
import { tracer } from '../../../shared/observability/tracer';

describe('tracer', () => {
  it('hands X-Ray an error by its class name only: a fault\'s message never reaches a trace', () => {
    // Prepare
    const received: Error[] = [];
    const parent = jest.spyOn(Tracer.prototype, 'addErrorAsMetadata').mockImplementation((error: Error) => {
      received.push(error);
    });
    class ProviderError extends Error {
      override name = 'ProviderError';
    }

    // Act
    try {
      tracer.addErrorAsMetadata(new ProviderError('login alice@example.com of cust-1001 could not be disabled'));
    } finally {
      parent.mockRestore();
    }

    // Assess
    expect(received.map((error) => ({ name: error.name, message: error.message }))).toEqual([{ name: 'ProviderError', message: 'ProviderError' }]);
  });

  it('is off outside Lambda, so the local stack and the tests record nothing', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
  });
});
