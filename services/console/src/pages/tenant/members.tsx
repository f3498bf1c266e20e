import { useState } from 'react';
import { tenancy, tenantRoleNames, type TenantCapabilities } from '../../api/tenancy';
import { ErrorBox, Loading, SearchField } from '../../components/ui';
import { useLoad } from '../../components/use-load';
import { AddMemberForm } from './add-member-form';
import { MemberRow } from './member-row';
import { Pager } from './pager';

const PAGE_SIZE = 20;

export function MembersTab({ tenantId, can }: { tenantId: string; can: TenantCapabilities }) {
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const members = useLoad(() => tenancy.members(tenantId, { q, page, page_size: PAGE_SIZE }), [tenantId, q, page]);
  const roles = useLoad(tenantRoleNames, []);
  const roleNames = roles.data ?? [];
  const manages = can.changeMembers || can.removeMembers;

  return (
    <>
      {can.addMembers && <AddMemberForm tenantId={tenantId} roles={roleNames} onAdded={members.reload} />}
      <ErrorBox error={roles.error} />
      <section className="card">
        <h2>Members</h2>
        <SearchField
          label="Search members"
          value={q}
          placeholder="Email or name"
          onSearch={(text) => {
            setQ(text);
            setPage(1);
          }}
        />
        <ErrorBox error={members.error} />
        {!members.data && members.loading && <Loading what="members" />}
        {members.data && members.data.items.length === 0 && <p className="muted">No members{q ? ' match' : ''}.</p>}
        {members.data && members.data.items.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Roles</th>
                <th>Since</th>
                {manages && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((member) => (
                <MemberRow key={member.user_id} member={member} roles={roleNames} can={can} onChanged={members.reload} />
              ))}
            </tbody>
          </table>
        )}
        {members.data && <Pager page={members.data.page} pageSize={members.data.page_size} total={members.data.total} onPage={setPage} />}
      </section>
    </>
  );
}
