import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ValidationError } from '../../../shared/domain/errors';
import { pageRequest, v2Page } from '../../../shared/http/paging';

const withQuery = (query: Record<string, string>) => ({ queryStringParameters: query }) as unknown as APIGatewayProxyEventV2;

describe('pageRequest', () => {
  it.each([
    [{}, { page: 0, size: 20 }],
    [{ page: '3' }, { page: 3, size: 20 }],
    [{ size: '1' }, { page: 0, size: 1 }],
    [{ page: '0', size: '100' }, { page: 0, size: 100 }],
    [{ page: '100', size: '100' }, { page: 100, size: 100 }], // 10,000: the deepest page allowed
    [{ page: '500', size: '20' }, { page: 500, size: 20 }],
  ])('reads %j as %j', (query, expected) => {
    expect(pageRequest(withQuery(query))).toEqual(expected);
  });

  it.each([
    [{ size: '0' }, 'size must be between 1 and 100'],
    [{ size: '101' }, 'size must be between 1 and 100'],
    [{ page: '-1' }, 'page must be a non-negative integer'],
    [{ page: '1.5' }, 'page must be a non-negative integer'],
    [{ page: 'two' }, 'page must be a non-negative integer'],
    [{ size: '' }, 'size must be a non-negative integer'],
    [{ size: '07' }, 'size must be a non-negative integer'],
    [{ page: '101', size: '100' }, 'page × size must be at most 10000'],
    [{ page: '501', size: '20' }, 'page × size must be at most 10000'],
    [{ page: '99999999999999' }, 'page must be a non-negative integer'],
  ])('refuses %j: %s', (query, message) => {
    let thrown: unknown;
    try {
      pageRequest(withQuery(query));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code: 'VALIDATION_1001', message });
  });
});

describe('v2Page', () => {
  it('is the v2 ACK with the given pageable', () => {
    const response = v2Page([{ a: 1 }], { page: 1, size: 1, totalPages: 3, totalElements: 3 });

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toEqual({ errorCode: '', errorMessage: '', content: [{ a: 1 }], pageable: { page: 1, size: 1, totalPages: 3, totalElements: 3 } });
  });
});
