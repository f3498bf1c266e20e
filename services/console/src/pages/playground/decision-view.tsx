import type { CheckRequest, Decision } from '../../api/authz';

/** The answer, big, and why: the policy line that decided and the roles it came through. */
export function DecisionView({ decision, request, who, tenantName }: { decision: Decision; request: CheckRequest; who: string; tenantName: string }) {
  const { matched_policy: rule, via_roles: roles } = decision.reason;
  return (
    <div className="playground-decision">
      <p className={`decision ${decision.allowed ? 'allowed' : 'denied'}`} data-testid="decision">
        {decision.allowed ? 'Allowed' : 'Denied'}
      </p>
      <p className="muted">
        {who} → <code>{request.action}</code> on <code>{request.object}</code> in {tenantName}
      </p>
      <dl>
        <dt>Matched rule</dt>
        <dd data-testid="matched-policy">
          {rule?.length ? <code>{rule.join(', ')}</code> : <span className="muted">No rule matched: denied by default.</span>}
        </dd>
        <dt>Via roles</dt>
        <dd data-testid="via-roles">
          {roles?.length ? roles.map((role) => <span key={role} className="badge">{role}</span>) : <span className="muted">None</span>}
        </dd>
      </dl>
    </div>
  );
}
