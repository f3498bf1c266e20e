import { NavLink, Outlet, useNavigate } from 'react-router';
import { signOut } from '../api/identity';
import { useViewer } from './auth';
import { ImpersonationBanner } from './impersonation-banner';

export function Layout() {
  const { me, capabilities } = useViewer();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <ImpersonationBanner />
      <nav className="nav" aria-label="main">
        <span className="brand">Portcullis</span>
        <NavLink to="/tenants">Tenants</NavLink>
        {/* Not /audit: the gateway routes that prefix to the audit API. */}
        <NavLink to="/audit-trail">Audit</NavLink>
        {(capabilities?.impersonate || capabilities?.readImpersonations) && <NavLink to="/impersonation">Impersonation</NavLink>}
        <NavLink to="/playground">Policy playground</NavLink>
        <span className="spacer" />
        <NavLink to="/account">{me?.email ?? 'Account'}</NavLink>
        <button
          type="button"
          className="link"
          onClick={() => {
            void signOut().finally(() => navigate('/sign-in'));
          }}
        >
          Sign out
        </button>
      </nav>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
