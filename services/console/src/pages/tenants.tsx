import { useState } from 'react';
import { Link } from 'react-router';
import { tenancy, type Tenant } from '../api/tenancy';
import { useViewer } from '../components/auth';
import { ErrorBox, Loading, Notice, Page, SearchField, Time } from '../components/ui';
import { useLoad } from '../components/use-load';
import { CreateTenantForm } from './tenant/create-tenant-form';
import { Pager } from './tenant/pager';
import { StatusBadge } from './tenant/status-badge';

const PAGE_SIZE = 20;

/** Platform admins see every tenant; everyone else the tenants they belong to (the API decides). */
export function TenantsPage() {
  const { capabilities } = useViewer();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [created, setCreated] = useState<Tenant>();
  const tenants = useLoad(() => tenancy.list({ q, page, page_size: PAGE_SIZE }), [q, page]);
  return (
    <Page title="Tenants">
      {capabilities?.createTenants && (
        <CreateTenantForm
          onCreated={(tenant) => {
            setCreated(tenant);
            tenants.reload();
          }}
        />
      )}
      {created && (
        <Notice>
          Created <Link to={`/tenants/${created.id}`}>{created.name}</Link>.
        </Notice>
      )}
      <section className="card">
        <SearchField
          label="Search tenants"
          value={q}
          placeholder="Name or slug"
          onSearch={(text) => {
            setQ(text);
            setPage(1);
          }}
        />
        <ErrorBox error={tenants.error} />
        {!tenants.data && tenants.loading && <Loading what="tenants" />}
        {tenants.data && <TenantTable tenants={tenants.data.items} />}
        {tenants.data && (
          <Pager page={tenants.data.page} pageSize={tenants.data.page_size} total={tenants.data.total} onPage={setPage} />
        )}
      </section>
    </Page>
  );
}

function TenantTable({ tenants }: { tenants: Tenant[] }) {
  if (tenants.length === 0) return <p className="muted">No tenants.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Name</th>
          <th>Slug</th>
          <th>Status</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {tenants.map((tenant) => (
          <tr key={tenant.id}>
            <td>
              <Link to={`/tenants/${tenant.id}`}>{tenant.name}</Link>
            </td>
            <td>
              <code>{tenant.slug}</code>
            </td>
            <td>
              <StatusBadge status={tenant.status} />
            </td>
            <td>
              <Time iso={tenant.created_at} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
