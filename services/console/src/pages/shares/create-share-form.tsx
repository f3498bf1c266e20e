import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/problem';
import { sharing, type CreatedShare, type NewShare, type Visibility } from '../../api/sharing';
import { CopyButton, ErrorBox, Field, Notice } from '../../components/ui';
import { useAction } from '../../components/use-load';

const EMPTY = { resourceType: 'document', resourceId: '', visibility: 'tenant' as Visibility, expiresAt: '', maxViews: '', name: '' };

/** Creates a link; its URL is shown here once, since the API never shows the token again. */
export function CreateShareForm({ tenantId, onCreated }: { tenantId: string; onCreated: () => void }) {
  const [form, setForm] = useState(EMPTY);
  const [created, setCreated] = useState<CreatedShare>();
  const set = (name: keyof typeof EMPTY) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });
  const create = useAction(async () => {
    setCreated(undefined);
    const share = await sharing.create(tenantId, toNewShare(form));
    setCreated(share);
    setForm(EMPTY);
    onCreated();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void create.run();
  };
  const publicRefused = create.error instanceof ApiError && create.error.code === 'public-shares-disabled';
  return (
    <section className="card">
      <h2>New share link</h2>
      <form onSubmit={submit}>
        <div className="row">
          <Field label="Resource type">
            <input value={form.resourceType} onChange={set('resourceType')} required />
          </Field>
          <Field label="Resource id">
            <input value={form.resourceId} onChange={set('resourceId')} required maxLength={200} />
          </Field>
          <Field label="Visibility">
            <select value={form.visibility} onChange={set('visibility')}>
              <option value="tenant">tenant — members who sign in</option>
              <option value="public">public — anyone with the link</option>
            </select>
          </Field>
        </div>
        <div className="row">
          <Field label="Expires at" hint="Optional; your local time">
            <input type="datetime-local" value={form.expiresAt} onChange={set('expiresAt')} />
          </Field>
          <Field label="Max views" hint="Optional">
            <input type="number" min={1} max={1_000_000} step={1} value={form.maxViews} onChange={set('maxViews')} />
          </Field>
          <Field label="Name" hint="Optional">
            <input value={form.name} onChange={set('name')} maxLength={200} />
          </Field>
        </div>
        <div className="actions" style={{ marginTop: '0.75rem' }}>
          <button type="submit" disabled={create.busy}>Create link</button>
        </div>
      </form>
      <ErrorBox error={create.error} />
      {publicRefused && <p className="muted">Public links are off for this tenant (its setting “allow public shares”). Share with visibility “tenant”, or ask a tenant admin to allow them.</p>}
      {created && <CreatedLink share={created} onDismiss={() => setCreated(undefined)} />}
    </section>
  );
}

function CreatedLink({ share, onDismiss }: { share: CreatedShare; onDismiss: () => void }) {
  return (
    <Notice>
      <p>Link created. Copy it now: it is shown only this once.</p>
      <p>
        <code data-testid="share-url">{share.url}</code>
      </p>
      <div className="actions">
        <CopyButton text={share.url} label="Copy link" />
        <Link to={`/s/${encodeURIComponent(share.token)}`} data-testid="share-open">
          Open in console
        </Link>
        <button type="button" className="secondary" onClick={onDismiss}>Dismiss</button>
      </div>
    </Notice>
  );
}

function toNewShare(form: typeof EMPTY): NewShare {
  return {
    resource_type: form.resourceType.trim(),
    resource_id: form.resourceId.trim(),
    visibility: form.visibility,
    ...(form.expiresAt ? { expires_at: new Date(form.expiresAt).toISOString() } : {}),
    ...(form.maxViews ? { max_views: Number(form.maxViews) } : {}),
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
  };
}
