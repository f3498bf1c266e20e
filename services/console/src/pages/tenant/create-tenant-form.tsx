import { useState } from 'react';
import { tenancy, type Tenant } from '../../api/tenancy';
import { ErrorBox, Field } from '../../components/ui';
import { useAction } from '../../components/use-load';

/** "Acme Café, Inc." → "acme-cafe-inc": the API's slug rule is lower-case letters, digits and inner hyphens, ≤ 50. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 50)
    .replace(/-+$/, '');
}

export function CreateTenantForm({ onCreated }: { onCreated: (tenant: Tenant) => void }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  // Once the slug is typed by hand, renaming no longer overwrites it.
  const [slugEdited, setSlugEdited] = useState(false);
  const [allowPublicShares, setAllowPublicShares] = useState(false);
  const create = useAction(async () => {
    const tenant = await tenancy.create({ name: name.trim(), slug, settings: { allow_public_shares: allowPublicShares } });
    setName('');
    setSlug('');
    setSlugEdited(false);
    setAllowPublicShares(false);
    onCreated(tenant);
  });
  return (
    <form className="card" onSubmit={(e) => (e.preventDefault(), void create.run())}>
      <h2>New tenant</h2>
      <div className="row">
        <Field label="Name">
          <input
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugEdited) setSlug(slugify(e.target.value));
            }}
            required
            maxLength={200}
          />
        </Field>
        <Field label="Slug">
          <input
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugEdited(true);
            }}
            required
            pattern="[a-z0-9](?:[a-z0-9\-]{0,48}[a-z0-9])?"
            title="lower-case letters, digits and inner hyphens, 1 to 50 characters"
          />
        </Field>
        <Field label="Allow public share links">
          <input type="checkbox" checked={allowPublicShares} onChange={(e) => setAllowPublicShares(e.target.checked)} />
        </Field>
        <button type="submit" disabled={create.busy}>Create tenant</button>
      </div>
      <ErrorBox error={create.error} />
    </form>
  );
}
