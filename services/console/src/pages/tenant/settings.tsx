import { useEffect, useState } from 'react';
import { tenancy, type Tenant, type TenantCapabilities } from '../../api/tenancy';
import { ErrorBox, Field, Notice, Time } from '../../components/ui';
import { useAction } from '../../components/use-load';
import { DangerZone } from './danger-zone';

export function SettingsTab({ tenant, can, onChanged }: { tenant: Tenant; can: TenantCapabilities; onChanged: () => void }) {
  const [name, setName] = useState(tenant.name);
  const [slug, setSlug] = useState(tenant.slug);
  const [allowPublicShares, setAllowPublicShares] = useState(tenant.settings.allow_public_shares);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    setName(tenant.name);
    setSlug(tenant.slug);
    setAllowPublicShares(tenant.settings.allow_public_shares);
  }, [tenant]);

  const save = useAction(async () => {
    setSaved(false);
    await tenancy.update(tenant.id, { name: name.trim(), slug, settings: { allow_public_shares: allowPublicShares } });
    setSaved(true);
    onChanged();
  });
  const readOnly = !can.update || tenant.status !== 'active';

  return (
    <>
      <form className="card" onSubmit={(e) => (e.preventDefault(), void save.run())}>
        <h2>Settings</h2>
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} disabled={readOnly} />
        </Field>
        <Field label="Slug">
          <input value={slug} onChange={(e) => setSlug(e.target.value)} required disabled={readOnly} />
        </Field>
        <Field label="Allow public share links" hint="Links anyone can open without signing in.">
          <input type="checkbox" style={{ alignSelf: 'flex-start' }} checked={allowPublicShares} onChange={(e) => setAllowPublicShares(e.target.checked)} disabled={readOnly} />
        </Field>
        <p className="muted">
          Created <Time iso={tenant.created_at} />
          {tenant.disabled_at && (
            <>
              {' '}· disabled <Time iso={tenant.disabled_at} />
            </>
          )}
        </p>
        {!readOnly && (
          <button type="submit" disabled={save.busy}>
            Save settings
          </button>
        )}
        {saved && <Notice>Settings saved.</Notice>}
        <ErrorBox error={save.error} />
      </form>
      {can.delete && <DangerZone tenant={tenant} onDisabled={onChanged} />}
    </>
  );
}
