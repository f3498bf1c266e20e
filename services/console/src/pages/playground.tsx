import { useSearchParams } from 'react-router';
import { useState } from 'react';
import { authz, type CheckRequest, type Decision } from '../api/authz';
import { useViewer } from '../components/auth';
import { useAction, useLoad } from '../components/use-load';
import { ErrorBox, Field, Page } from '../components/ui';
import { actionsFor, loadTenantChoices, loadVocabulary, type TenantChoice } from './playground/choices';
import { DecisionView } from './playground/decision-view';
import { PermissionsView } from './playground/permissions-view';
import { SubjectField, type SubjectChoice } from './playground/subject-field';

const PLATFORM = 'the platform';

function tenantNameOf(tenants: TenantChoice[] | undefined, tenantId?: string): string {
  if (!tenantId) return PLATFORM;
  const tenant = tenants?.find((t) => t.id === tenantId);
  return tenant ? `tenant ${tenant.name}` : `tenant ${tenantId}`;
}

/** Asks the policy decision point what a subject may do, and why: the same answer every service enforces. */
export function PlaygroundPage() {
  const { me } = useViewer();
  // ?tenant_id= preselects a tenant (linked from a tenant's page), also one beyond the first page of choices.
  const [params] = useSearchParams();
  const linkedTenant = params.get('tenant_id') ?? '';
  const tenants = useLoad(() => loadTenantChoices(linkedTenant || undefined), [linkedTenant]);
  const vocabulary = useLoad(loadVocabulary, []);
  const [subject, setSubject] = useState<SubjectChoice>({ text: '' });
  const [tenantId, setTenantId] = useState(linkedTenant);
  const [object, setObject] = useState('');
  const [action, setAction] = useState('');
  const [answer, setAnswer] = useState<{ request: CheckRequest; decision: Decision; who: string }>();
  const [asked, setAsked] = useState<{ userId: string; who: string; tenantId?: string }>();

  const check = useAction(async () => {
    const request: CheckRequest = {
      ...(subject.text.trim() ? { subject: subject.text.trim() } : {}),
      ...(tenantId ? { tenant_id: tenantId } : {}),
      object: object.trim(),
      action: action.trim(),
    };
    setAnswer(undefined);
    const userId = request.subject ?? me?.id ?? '';
    const who = userId === me?.id ? `you (${me.email})` : (subject.email ?? userId);
    setAsked(undefined);
    const decision = await authz.check(request);
    setAnswer({ request, who, decision });
    // Only after the check passed: a refusal (another subject without platform admin) is then shown once, by the check.
    setAsked(userId ? { userId, who, tenantId: request.tenant_id } : undefined);
  });

  return (
    <Page title="Policy playground">
      <section className="card">
        <form onSubmit={(e) => (e.preventDefault(), void check.run())}>
          <SubjectField value={subject} onChange={setSubject} />
          <Field label="Tenant">
            <select value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
              <option value="">Platform (no tenant)</option>
              {tenants.data?.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.slug}){t.status === 'active' ? '' : ` — ${t.status}`}
                </option>
              ))}
            </select>
          </Field>
          <ErrorBox error={tenants.error} />
          <div className="row">
            <Field label="Object">
              <input value={object} onChange={(e) => setObject(e.target.value)} list="playground-objects" placeholder="document or document:<id>" autoComplete="off" required />
            </Field>
            <Field label="Action">
              <input value={action} onChange={(e) => setAction(e.target.value)} list="playground-actions" placeholder="read" autoComplete="off" required />
            </Field>
          </div>
          <datalist id="playground-objects">
            {[...(vocabulary.data?.keys() ?? [])].map((o) => <option key={o} value={o} />)}
          </datalist>
          <datalist id="playground-actions">
            {actionsFor(vocabulary.data, object).map((a) => <option key={a} value={a} />)}
          </datalist>
          <ErrorBox error={vocabulary.error} />
          <p>
            <button type="submit" disabled={check.busy}>Check</button>
          </p>
          <ErrorBox error={check.error} />
        </form>
        {answer && <DecisionView decision={answer.decision} request={answer.request} who={answer.who || 'you'} tenantName={tenantNameOf(tenants.data, answer.request.tenant_id)} />}
      </section>
      {asked && <PermissionsView userId={asked.userId} who={asked.who} tenantId={asked.tenantId} tenantName={tenantNameOf(tenants.data, asked.tenantId)} />}
    </Page>
  );
}
