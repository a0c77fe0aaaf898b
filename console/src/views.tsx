import { useEffect, useState } from 'preact/hooks';
import { api, currentSession, type Ack } from './api';
import type { AuditRecord, CustomerView, QueueDepth, RequestView } from './contract';
import { describeReceipt, verifyReceipt } from './receipt';
import { Busy, ErrorBox, Facts, Status, useAction, useLoad } from './ui';

const subjectText = (s: RequestView['subject']) => (s.type === 'user' ? `user ${s.userId} of ${s.customerId}` : s.type === 'batch' ? `batch of ${s.size}` : `customer ${s.customerId}`);

export function RequestsView() {
  const [filter, setFilter] = useState({ status: '', type: '', overdue: false, page: 0 });
  const query = new URLSearchParams({ page: String(filter.page), size: '20' });
  if (filter.status) query.set('status', filter.status);
  if (filter.type) query.set('type', filter.type);
  if (filter.overdue) query.set('overdue', 'true');
  const list = useLoad(() => api<Ack<RequestView>>('GET', `/api/v2/requests?${query}`), query.toString());
  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">Requests</h2>
      <form class="row" onSubmit={(e) => e.preventDefault()} aria-label="Filter requests">
        <label>
          Status
          <select value={filter.status} onChange={(e) => setFilter({ ...filter, page: 0, status: e.currentTarget.value })}>
            <option value="">any</option>
            <option>IN_PROGRESS</option>
            <option>SUCCESS</option>
            <option>FAILED</option>
          </select>
        </label>
        <label>
          Type
          <select value={filter.type} onChange={(e) => setFilter({ ...filter, page: 0, type: e.currentTarget.value })}>
            <option value="">any</option>
            <option>customer.delete</option>
            <option>user.delete</option>
            <option>customer.purge</option>
            <option>customer.restore</option>
            <option>batch</option>
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={filter.overdue} onChange={(e) => setFilter({ ...filter, page: 0, overdue: e.currentTarget.checked })} />
          Overdue only
        </label>
        <button type="button" class="secondary" onClick={list.reload}>
          Refresh
        </button>
      </form>
      {list.busy ? <Busy label="Loading requests…" /> : null}
      <ErrorBox error={list.error} />
      {list.data ? (
        <>
          <table>
            <caption class="muted">
              {list.data.pageable.totalElements} request(s), newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Type</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {list.data.content.map((r) => (
                <tr key={r.requestId}>
                  <td>
                    <a href={`#/requests/${encodeURIComponent(r.requestId)}`} class="mono">
                      {r.requestId}
                    </a>
                  </td>
                  <td>{r.type}</td>
                  <td>{subjectText(r.subject)}</td>
                  <td>
                    <Status value={r.status} />
                  </td>
                  <td>{r.createdAt}</td>
                  <td>{r.overdue ? <strong class="status FAILED">overdue ({r.dueAt})</strong> : r.dueAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="row" aria-label="Pages">
            <button type="button" class="secondary" disabled={filter.page === 0} onClick={() => setFilter({ ...filter, page: filter.page - 1 })}>
              Previous page
            </button>
            <span>
              Page {filter.page + 1} of {Math.max(1, list.data.pageable.totalPages)}
            </span>
            <button type="button" class="secondary" disabled={filter.page + 1 >= list.data.pageable.totalPages} onClick={() => setFilter({ ...filter, page: filter.page + 1 })}>
              Next page
            </button>
          </nav>
        </>
      ) : null}
    </section>
  );
}

export function RequestView({ requestId }: { requestId: string }) {
  const request = useLoad(() => api<Ack<RequestView>>('GET', `/api/v2/requests/${encodeURIComponent(requestId)}`), requestId);
  const view = request.data?.content[0];
  // While the cascade runs, read it again every second: the steps turn SUCCESS as they finish.
  const running = view?.status === 'IN_PROGRESS';
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(request.reload, 1000);
    return () => clearInterval(timer);
  }, [running, request.reload]);
  const receipt = useAction();
  const [proof, setProof] = useState<string[]>();
  const verify = () =>
    receipt.run(async () => {
      setProof(undefined);
      const ack = await api<Ack<{ receipt: string }>>('GET', `/api/v2/requests/${encodeURIComponent(requestId)}/receipt`);
      const jwks = await api<{ keys: [] }>('GET', '/.well-known/deletion-receipt-keys.json');
      const verified = await verifyReceipt(ack.content[0]?.receipt ?? '', requestId, jwks);
      setProof(describeReceipt(verified));
      return 'Receipt verified: the signature matches a published key.';
    });
  return (
    <section aria-labelledby="request-title">
      <h2 id="request-title">
        Request <span class="mono">{requestId}</span>
      </h2>
      {request.busy && !view ? <Busy label="Loading the request…" /> : null}
      <ErrorBox error={request.error} />
      {view ? (
        <>
          <Facts
            rows={[
              ['Status', <Status value={view.status} />],
              ['Type', `${view.type} (${view.mode})`],
              ['Subject', 'customerId' in view.subject ? <a href={`#/customers/${encodeURIComponent(view.subject.customerId)}`}>{subjectText(view.subject)}</a> : subjectText(view.subject)],
              ['Actor', `${view.actor.sub} (${view.actor.role}, ${view.actor.accountId})`],
              ['Reason', view.reason],
              ['Created', view.createdAt],
              ['Completed', view.completedAt],
              ['Due', view.overdue ? `${view.dueAt} — overdue` : view.dueAt],
              ['Access ended', view.accessRevokedAt],
            ]}
          />
          {view.status === 'IN_PROGRESS' ? <Busy label="The cascade is running; this page refreshes every second." /> : null}
          <h3>Steps</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Changed</th>
                <th scope="col">Last error</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(view.steps).map(([name, step]) => (
                <tr key={name} data-step={name}>
                  <th scope="row">{name}</th>
                  <td>
                    <Status value={step.status} />
                  </td>
                  <td>{step.attempts}</td>
                  <td>{step.count}</td>
                  <td>{step.lastError ?? '—'}</td>
                  <td>{step.updatedAt}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Deletion receipt</h3>
          <button type="button" onClick={verify} disabled={receipt.busy}>
            Download and verify the receipt
          </button>
          {receipt.outcome}
          {proof ? (
            <div aria-label="What the receipt proves">
              <p>It proves:</p>
              <ul class="proof">
                {proof.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}


export function CustomerView({ customerId }: { customerId: string }) {
  const path = `/customer/${encodeURIComponent(customerId)}`;
  const customer = useLoad(() => api<{ customer: CustomerView }>('GET', path), customerId);
  const [auditPage, setAuditPage] = useState(0);
  const audit = useLoad(() => api<Ack<AuditRecord>>('GET', `/api/v2/customer/${encodeURIComponent(customerId)}/audit?page=${auditPage}&size=10`), `${customerId}/${auditPage}`);
  const refresh = () => {
    customer.reload();
    audit.reload();
  };
  const c = customer.data?.customer;
  return (
    <>
      <section aria-labelledby="customer-title">
        <h2 id="customer-title">
          Customer <span class="mono">{customerId}</span>
        </h2>
        {customer.busy && !c ? <Busy label="Loading the customer…" /> : null}
        <ErrorBox error={customer.error} />
        {c ? (
          <Facts
            rows={[
              ['Status', <Status value={c.status} />],
              ['Name', c.name],
              ['E-mail', c.email],
              ['Parent', c.parentId],
              ['Deleted', c.deletedAt],
              ['Purge after', c.purgeAfter],
              ['Purged', c.purgedAt],
              ['Legal hold', c.legalHold ? `placed by ${c.legalHold.placedBy} at ${c.legalHold.placedAt}: ${c.legalHold.reason}${c.legalHold.ticket ? ` (${c.legalHold.ticket})` : ''}` : 'none'],
              ['Active subscriptions', String(c.activeSubscriptions)],
              ['Live sub-customers', String(c.liveSubCustomers)],
              ['Users', `${c.users.active} active, ${c.users.deleted} deleted`],
              ['Devices', `${c.devices.active} active, ${c.devices.revoked} revoked`],
              ['Sessions', `${c.sessions.active} active, ${c.sessions.terminated} terminated`],
            ]}
          />
        ) : null}
      </section>
      <Actions customerId={customerId} status={c?.status} held={c?.legalHold !== undefined} onChange={refresh} />
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit trail</h2>
        {audit.busy ? <Busy label="Loading the audit trail…" /> : null}
        <ErrorBox error={audit.error} />
        {audit.data ? (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Detail</th>
                  <th scope="col">Request</th>
                </tr>
              </thead>
              <tbody>
                {audit.data.content.map((r) => (
                  <tr key={r.auditId}>
                    <td>{r.at}</td>
                    <td>
                      {r.actor.sub} ({r.actor.role}, {r.actor.accountId})
                    </td>
                    <td>
                      {r.action}
                      {r.mode ? ` (${r.mode})` : ''}
                    </td>
                    <td>{r.outcome}</td>
                    <td>{[r.detail, r.reason].filter(Boolean).join(' — ') || '—'}</td>
                    <td>{r.requestId ? <a href={`#/requests/${encodeURIComponent(r.requestId)}`}>open</a> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="row" aria-label="Audit pages">
              <button type="button" class="secondary" disabled={auditPage === 0} onClick={() => setAuditPage(auditPage - 1)}>
                Newer
              </button>
              <span>
                Page {auditPage + 1} of {Math.max(1, audit.data.pageable.totalPages)}
              </span>
              <button type="button" class="secondary" disabled={auditPage + 1 >= audit.data.pageable.totalPages} onClick={() => setAuditPage(auditPage + 1)}>
                Older
              </button>
            </nav>
          </>
        ) : null}
      </section>
    </>
  );
}

/** Dry run first; the delete asks for the customer's id typed again. Restore and legal hold beside them. */
function Actions({ customerId, status, held, onChange }: { customerId: string; status: string | undefined; held: boolean; onChange: () => void }) {
  const path = `/customer/${encodeURIComponent(customerId)}`;
  const [reason, setReason] = useState('');
  const [ticket, setTicket] = useState('');
  const [confirm, setConfirm] = useState('');
  const [impact, setImpact] = useState<string>();
  const [requestId, setRequestId] = useState<string>();
  const action = useAction();
  const body = () => ({ ...(reason.trim() ? { reason: reason.trim() } : {}), ...(ticket.trim() ? { ticket: ticket.trim() } : {}) });
  const dryRun = () =>
    action.run(async () => {
      const r = await api<{ impact: { users: number; devices: number; activeSessions: number }; purgeAfter?: string }>('DELETE', `${path}?dryRun=true`, body());
      setImpact(`${r.impact.users} user(s), ${r.impact.devices} device(s), ${r.impact.activeSessions} active session(s)`);
      return `Dry run: the customer can be deleted. It would affect ${r.impact.users} user(s), ${r.impact.devices} device(s) and ${r.impact.activeSessions} active session(s). Nothing was changed.`;
    });
  const remove = () =>
    action.run(async () => {
      const r = await api<{ requestId: string; purgeAfter?: string }>('DELETE', path, body());
      setRequestId(r.requestId);
      setImpact(undefined);
      setConfirm('');
      onChange();
      return `Customer deleted (request ${r.requestId})${r.purgeAfter ? `; personal data purged after ${r.purgeAfter}` : ''}.`;
    });
  const restore = () =>
    action.run(async () => {
      const r = await api<{ requestId: string }>('POST', `${path}/restore`, body());
      setRequestId(r.requestId);
      onChange();
      return `Customer restored (request ${r.requestId}).`;
    });
  const hold = (place: boolean) =>
    action.run(async () => {
      const r = await api<{ message: string }>(place ? 'PUT' : 'DELETE', `${path}/legal-hold`, place ? body() : undefined);
      onChange();
      return `${r.message}.`;
    });
  return (
    <section aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div class="row">
        <label>
          Reason
          <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={500} />
        </label>
        <label>
          Ticket
          <input value={ticket} onInput={(e) => setTicket(e.currentTarget.value)} maxLength={100} />
        </label>
      </div>
      {status === 'ACTIVE' ? (
        <div class="card">
          <h3>Delete</h3>
          <p class="muted">A dry run first: it is decided exactly as the delete, and changes nothing.</p>
          <button type="button" class="secondary" onClick={dryRun} disabled={action.busy}>
            Dry run
          </button>
          {impact ? (
            <div>
              <p>Deleting affects {impact}.</p>
              <label>
                Type the customer id ({customerId}) to confirm
                <input value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} autoComplete="off" />
              </label>
              <button type="button" class="danger" onClick={remove} disabled={action.busy || confirm !== customerId}>
                Delete customer
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {status === 'DELETED' ? (
        <button type="button" onClick={restore} disabled={action.busy}>
          Restore customer
        </button>
      ) : null}{' '}
      {status !== undefined && status !== 'PURGED' ? (
        held ? (
          <button type="button" class="secondary" onClick={() => hold(false)} disabled={action.busy}>
            Release legal hold
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => hold(true)} disabled={action.busy}>
            Place legal hold
          </button>
        )
      ) : null}
      {action.outcome}
      {requestId ? (
        <p>
          <a href={`#/requests/${encodeURIComponent(requestId)}`}>Watch request {requestId}</a>
        </p>
      ) : null}
    </section>
  );
}

export function OpsView() {
  const depths = useLoad(() => api<Ack<QueueDepth>>('GET', '/api/v2/ops/queues'), 'ops');
  const action = useAction();
  const isAdmin = currentSession()?.role === 'ADMIN';
  // A redrive in AWS runs behind its answer: poll the depths while any DLQ still holds messages after one.
  const [watching, setWatching] = useState(false);
  useEffect(() => {
    if (!watching) return undefined;
    const timer = setInterval(depths.reload, 2000);
    return () => clearInterval(timer);
  }, [watching, depths.reload]);
  useEffect(() => {
    if (watching && depths.data && depths.data.content.every((q) => q.dlqMessages === 0)) setWatching(false);
  }, [watching, depths.data]);
  const redrive = (queue: string) =>
    action.run(async () => {
      const r = await api<Ack<{ queue: string; moved?: number; taskHandle?: string }>>('POST', `/api/v2/ops/queues/${encodeURIComponent(queue)}/redrive`);
      const outcome = r.content[0];
      depths.reload();
      if (outcome?.taskHandle) {
        setWatching(true);
        return `Redrive of ${queue} started (move task ${outcome.taskHandle}); the DLQ depth falls as it runs.`;
      }
      return `Redrive of ${queue}: ${outcome?.moved ?? 0} message(s) moved back to the queue.`;
    });
  return (
    <section aria-labelledby="ops-title">
      <h2 id="ops-title">Operations: queues and dead-letter queues</h2>
      {!isAdmin ? <p class="muted">Only an ADMIN with the ops:redrive scope may see the queues and redrive a DLQ.</p> : null}
      <button type="button" class="secondary" onClick={depths.reload}>
        Refresh
      </button>
      {depths.busy ? <Busy label="Reading queue depths…" /> : null}
      {watching ? <Busy label="Redrive running: watching the DLQ depths…" /> : null}
      <ErrorBox error={depths.error} />
      {depths.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Waiting</th>
              <th scope="col">In flight</th>
              <th scope="col">In DLQ</th>
              <th scope="col">Redrive</th>
            </tr>
          </thead>
          <tbody>
            {depths.data.content.map((q) => (
              <tr key={q.queue} data-queue={q.queue}>
                <th scope="row">{q.queue}</th>
                <td>{q.messages}</td>
                <td>{q.inFlight}</td>
                <td class={q.dlqMessages > 0 ? 'status FAILED' : ''}>{q.dlqMessages}</td>
                <td>
                  <button type="button" onClick={() => redrive(q.queue)} disabled={action.busy || !isAdmin || q.dlqMessages === 0} aria-label={`Redrive the ${q.queue} DLQ`}>
                    Redrive
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {action.outcome}
    </section>
  );
}
