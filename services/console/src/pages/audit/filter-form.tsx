import { useState, type FormEvent } from 'react';
import type { AuditFilters } from '../../api/audit';
import { Field } from '../../components/ui';

const EMPTY = { tenantId: '', actorId: '', type: '', from: '', to: '' };

/** Types the contract promises, offered as suggestions (the filter takes any full type). */
const KNOWN_TYPES = [
  'identity.user.created', 'identity.user.updated', 'identity.user.disabled', 'identity.user.deleted',
  'identity.login.succeeded', 'identity.login.failed', 'identity.mfa.enrolled', 'identity.mfa.disabled',
  'identity.session.revoked', 'identity.refresh.reused', 'identity.impersonation.started', 'identity.impersonation.ended',
  'tenancy.tenant.created', 'tenancy.tenant.updated', 'tenancy.tenant.disabled', 'tenancy.tenant.deleted',
  'tenancy.member.added', 'tenancy.member.removed', 'tenancy.member.roles_changed',
  'tenancy.invitation.created', 'tenancy.invitation.accepted', 'tenancy.invitation.resent', 'tenancy.invitation.revoked',
  'sharing.share.created', 'sharing.share.revoked', 'sharing.share.accessed', 'sharing.share.denied',
  'authz.policy.applied',
].map((type) => `portcullis.${type}`);

export function FilterForm({ onApply }: { onApply: (filters: AuditFilters) => void }) {
  const [form, setForm] = useState(EMPTY);
  const set = (name: keyof typeof EMPTY) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(toFilters(form));
  };
  return (
    <form className="card" onSubmit={submit}>
      <div className="row">
        <Field label="Tenant id">
          <input value={form.tenantId} onChange={set('tenantId')} placeholder="any" size={38} />
        </Field>
        <Field label="Actor id">
          <input value={form.actorId} onChange={set('actorId')} placeholder="any" size={38} />
        </Field>
        <Field label="Type">
          <input value={form.type} onChange={set('type')} list="audit-event-types" placeholder="portcullis.identity.login.succeeded" size={38} />
        </Field>
        <datalist id="audit-event-types">
          {KNOWN_TYPES.map((type) => <option key={type} value={type} />)}
        </datalist>
        <Field label="From">
          <input type="datetime-local" value={form.from} onChange={set('from')} />
        </Field>
        <Field label="To">
          <input type="datetime-local" value={form.to} onChange={set('to')} />
        </Field>
      </div>
      <div className="actions" style={{ marginTop: '0.75rem' }}>
        <button type="submit">Apply filters</button>
        <button type="button" className="secondary" onClick={() => (setForm(EMPTY), onApply({}))}>Clear filters</button>
      </div>
    </form>
  );
}

/** Blank fields are no filter; local date-times become RFC 3339 UTC. */
function toFilters(form: typeof EMPTY): AuditFilters {
  const filters: AuditFilters = {};
  if (form.tenantId.trim()) filters.tenant_id = form.tenantId.trim();
  if (form.actorId.trim()) filters.actor_id = form.actorId.trim();
  if (form.type.trim()) filters.type = form.type.trim();
  if (form.from) filters.from = new Date(form.from).toISOString();
  if (form.to) filters.to = new Date(form.to).toISOString();
  return filters;
}
