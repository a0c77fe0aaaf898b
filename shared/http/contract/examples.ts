/** Example values the contracts share (each is checked against its schema by test/unit/http/openapi-document.test.ts). */

export const REQUEST_ID = '3f6c1d2a-8b4e-4c1f-9a7d-2e5b6c8d9f01';
export const AT = '2025-01-15T10:30:00.000Z';

export const requestViewExample = {
  requestId: REQUEST_ID,
  type: 'customer.delete',
  status: 'SUCCESS',
  createdAt: AT,
  updatedAt: '2025-01-15T10:30:04.000Z',
  subject: { type: 'customer', customerId: 'cust-1001' },
  actor: { sub: 'reseller-admin', role: 'RESALE', accountId: 'reseller-1' },
  mode: 'soft',
  reason: 'customer request',
  dueAt: '2025-01-16T10:30:00.000Z',
  overdue: false,
  completedAt: '2025-01-15T10:30:04.000Z',
  accessRevokedAt: '2025-01-15T10:30:03.000Z',
  steps: {
    identity: { status: 'SUCCESS', attempts: 1, count: 1, lastError: null, updatedAt: '2025-01-15T10:30:02.000Z' },
    devices: { status: 'SUCCESS', attempts: 1, count: 2, lastError: null, updatedAt: '2025-01-15T10:30:03.000Z' },
    sessions: { status: 'SUCCESS', attempts: 1, count: 1, lastError: null, updatedAt: '2025-01-15T10:30:02.000Z' },
    email: { status: 'SUCCESS', attempts: 1, count: 1, lastError: null, updatedAt: '2025-01-15T10:30:04.000Z' },
  },
};

export const pageOf = (content: unknown[], page = 0, size = 20) => ({
  errorCode: '',
  errorMessage: '',
  content,
  pageable: { page, size, totalPages: content.length === 0 ? 0 : 1, totalElements: content.length },
});

/** The ACK of a single-element answer (`v2Ack`: size 10, one page). */
export const ackOf = (element: unknown) => ({ errorCode: '', errorMessage: '', content: [element], pageable: { page: 0, size: 10, totalPages: 1, totalElements: 1 } });
